"""Security events into the audit trail: logins, failures, logouts, lockouts."""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from audit.services import record


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    record(user, None, user, "auth.login")
    session = getattr(request, "session", None)
    if session is not None:
        from django.utils import timezone

        from .middleware import AUTH_AT_KEY, needs_second_factor

        session[AUTH_AT_KEY] = timezone.now().timestamp()
        # Privileged accounts hold one session at a time: a new login ends the old ones.
        if needs_second_factor(user):
            from .security_services import end_sessions

            end_sessions(user, keep=session.session_key)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record(user, None, user, "auth.logout")


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    username = (credentials or {}).get("username", "")
    user = get_user_model().objects.filter(username=username).first()
    record(None, None, user or "accounts.user", "auth.login_failed", {"username": username[:50]}, outcome="denied")


@receiver(user_locked_out)
def _locked_out(sender, request, username=None, ip_address=None, **kwargs):
    record(None, None, "accounts.user", "auth.locked_out", {"username": (username or "")[:50]}, outcome="denied")
