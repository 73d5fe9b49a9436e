"""Account policy applied to every request: forced password change and expiry."""

from datetime import timedelta

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

_EXEMPT_PREFIXES = ("/static/", "/accounts/", "/p/", "/api/")


class SecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith(_EXEMPT_PREFIXES):
            if self._password_must_change(user):
                return redirect(reverse("accounts:password_change") + "?expired=1")
        return self.get_response(request)

    @staticmethod
    def _password_must_change(user) -> bool:
        if user.must_change_password:
            return True
        max_age = settings.PASSWORD_MAX_AGE_DAYS
        if max_age and user.password_changed_at:
            return timezone.now() - user.password_changed_at > timedelta(days=max_age)
        return False
