"""身份鉴别 b: failed-login lockout (threshold from the security policy), audit of logins and
failures, idle timeout, absolute session cap, one session for privileged accounts."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from accounts import policy
from accounts.models import SecurityPolicy
from audit.models import AuditEntry
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _fail(client, username, times):
    for _ in range(times):
        client.post(reverse("accounts:login"), {"username": username, "password": "wrong-password-1"})


def test_six_failed_logins_lock_the_account_and_are_audited(client, world):
    user = world.member
    _fail(client, user.username, 5)
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code in (403, 429)
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="auth.login_failed", outcome="denied").count() >= 5
    assert AuditEntry.objects.filter(action="auth.locked_out").exists()


def test_lockout_threshold_follows_the_policy(client, world):
    SecurityPolicy.objects.create(pk=1, lockout_threshold=3)
    policy.forget()
    _fail(client, world.member.username, 3)
    response = client.post(reverse("accounts:login"), {"username": world.member.username, "password": PASSWORD})
    assert response.status_code in (403, 429)


def test_successful_login_is_audited_and_resets_failures(client, world):
    _fail(client, world.member.username, 2)
    response = client.post(reverse("accounts:login"), {"username": world.member.username, "password": PASSWORD})
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="auth.login", actor=world.member).exists()


def test_idle_timeout_sends_back_to_login(client, world):
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC), tick=False) as traveller:
        client.post(reverse("accounts:login"), {"username": world.member.username, "password": PASSWORD})
        assert client.get(reverse("core:home")).status_code == 200
        traveller.shift(datetime.timedelta(minutes=16))
        response = client.get(reverse("core:home"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_absolute_session_cap(client, world):
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC), tick=False) as traveller:
        client.post(reverse("accounts:login"), {"username": world.member.username, "password": PASSWORD})
        for _ in range(70):  # active every 7 minutes for more than 8 hours
            traveller.shift(datetime.timedelta(minutes=7))
            response = client.get(reverse("core:home"))
            if response.status_code == 302:
                break
    assert response.status_code == 302 and "timeout=1" in response["Location"]


def test_privileged_account_holds_one_session(client, world, django_user_model):
    from django.test import Client

    other = Client()
    other.post(reverse("accounts:login"), {"username": world.reviewer.username, "password": PASSWORD})
    assert other.get(reverse("core:home")).status_code == 200
    client.post(reverse("accounts:login"), {"username": world.reviewer.username, "password": PASSWORD})
    response = other.get(reverse("core:home"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_logout_removes_the_session(client, world):
    from django.contrib.sessions.models import Session

    client.post(reverse("accounts:login"), {"username": world.member.username, "password": PASSWORD})
    key = client.session.session_key
    client.post(reverse("accounts:logout"))
    assert not Session.objects.filter(session_key=key).exists()
    assert AuditEntry.objects.filter(action="auth.logout", actor=world.member).exists()


def test_password_expiry_from_the_policy_redirects_every_page(client, world):
    SecurityPolicy.objects.create(pk=1, password_max_age_days=90)
    policy.forget()
    user = world.member
    user.password_changed_at = user.password_changed_at - datetime.timedelta(days=91)
    user.save(update_fields=["password_changed_at"])
    client.force_login(user)
    for name in ("core:home", "rectification:mine"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "expired=1" in response["Location"]
    assert client.get(reverse("accounts:password_change")).status_code == 200


def test_weak_passwords_are_rejected(world):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ("12345678", "password", "abcdefgh", "aaaaaaaaaa"):
        with pytest.raises(ValidationError):
            validate_password(weak, world.member)
    validate_password("Shh-2026-strong", world.member)
