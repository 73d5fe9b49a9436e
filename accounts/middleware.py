"""Account policy applied to every request (the 安全管理员's `SecurityPolicy`):

- forced password change (first login, reset) and optional password expiry;
- idle timeout and an absolute cap on a session's life;
- TOTP for the privileged roles: an unverified session of a reviewer, inspector, operator or
  administrator reaches only the enrolment / verification pages, logout and static files.
"""

import functools
from datetime import timedelta

from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import get_script_prefix, reverse
from django.utils import timezone

from . import policy

_EXEMPT_PREFIXES = ("/static/", "/p/")
AUTH_AT_KEY = "_auth_at"


@functools.lru_cache(maxsize=16)
def _exempt_paths(script_prefix: str) -> frozenset[str]:
    """Reversed once per process (and script prefix), not on every request."""
    names = ("login", "logout", "password_change", "otp_setup", "otp_verify")
    return frozenset(reverse(f"accounts:{name}") for name in names)


def needs_second_factor(user) -> bool:
    from .choices import PRIVILEGED_ROLES
    from .grants import roles_of

    return bool(roles_of(user) & {str(r) for r in PRIVILEGED_ROLES})


class SecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response = self._apply(request, user)
            if response is not None:
                return response
        return self.get_response(request)

    def _apply(self, request, user):
        current = policy.current()
        # Idle timeout (saved with every request) and the absolute cap.
        request.session.set_expiry(current.session_idle_minutes * 60)
        started = request.session.get(AUTH_AT_KEY)
        now = timezone.now().timestamp()
        if started is None:
            request.session[AUTH_AT_KEY] = now
        elif now - started > current.session_absolute_hours * 3600:
            logout(request)
            return redirect(reverse("accounts:login") + "?timeout=1")
        if request.path.startswith(_EXEMPT_PREFIXES) or request.path in _exempt_paths(get_script_prefix()):
            return None
        if self._password_must_change(user, current):
            return redirect(reverse("accounts:password_change") + "?expired=1")
        if policy.totp_enforced() and not _verified(user) and needs_second_factor(user):
            from django_otp.plugins.otp_totp.models import TOTPDevice

            target = "accounts:otp_verify" if TOTPDevice.objects.filter(user=user, confirmed=True).exists() else "accounts:otp_setup"
            return redirect(reverse(target) + "?next=" + request.get_full_path()[:500])
        return None

    @staticmethod
    def _password_must_change(user, current) -> bool:
        if user.must_change_password:
            return True
        max_age = current.password_max_age_days
        if max_age and user.password_changed_at:
            return timezone.now() - user.password_changed_at > timedelta(days=max_age)
        return False


def _verified(user) -> bool:
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())
