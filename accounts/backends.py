from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from .models import normalize_phone, phone_index


class UsernameOrPhoneBackend(ModelBackend):
    """Log in with the username or with the mobile phone number (matched by blind index)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None:
            digits = normalize_phone(username)
            if len(digits) == 11:
                user = User.objects.filter(phone_index=phone_index(digits)).first()
        if user is None:
            User().set_password(password)  # same work as a real check: no timing oracle
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
