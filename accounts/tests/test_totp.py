"""身份鉴别 d: TOTP required for reviewers, inspectors, operators and the three administrators."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import SecurityPolicy
from audit.models import AuditEntry
from tests.factories import PASSWORD, totp_now

from .conftest import enrol, verified_login

pytestmark = pytest.mark.django_db

PRIVILEGED = ("reviewer", "inspector", "operator")
SAMPLE_PAGES = ("core:home", "rectification:ledger", "rectification:inbox", "rectification:mine")


@pytest.mark.parametrize("persona", PRIVILEGED)
def test_unenrolled_privileged_user_is_sent_to_enrolment_everywhere(client, world, otp_on, persona):
    client.post(reverse("accounts:login"), {"username": getattr(world, persona).username, "password": PASSWORD})
    for name in SAMPLE_PAGES:
        response = client.get(reverse(name))
        assert response.status_code == 302 and reverse("accounts:otp_setup") in response["Location"], name


def test_admins_need_a_second_factor(client, admins, otp_on):
    for user in admins.values():
        client.force_login(user)
        response = client.get(reverse("core:home"))
        assert response.status_code == 302 and reverse("accounts:otp_setup") in response["Location"]
        client.logout()


def test_every_routed_page_redirects_an_unverified_reviewer(client, world, otp_on):
    """The crawler: each login-protected GET route of the matrix, as an enrolled but unverified reviewer."""
    from tests import matrix
    from tests.test_permission_matrix import PUBLIC, ROUTES

    enrol(world.reviewer)
    client.force_login(world.reviewer)
    exempt = {"accounts:otp_setup", "accounts:otp_verify", "accounts:password_change"}
    checked = 0
    for name, _ in ROUTES:
        case = matrix.CASES.get(name)
        if case is None or name in PUBLIC or name in exempt or case.method != "GET":
            continue
        url = reverse(name, kwargs=case.make(world, world.b1))
        response = client.get(url)
        assert response.status_code == 302 and reverse("accounts:otp_verify") in response["Location"], name
        checked += 1
    assert checked > 10


def test_member_needs_no_second_factor(client, world, otp_on):
    client.post(reverse("accounts:login"), {"username": world.member.username, "password": PASSWORD})
    assert client.get(reverse("core:home")).status_code == 200


def test_enrolment_with_qr_then_verified(client, world, otp_on):
    client.post(reverse("accounts:login"), {"username": world.reviewer.username, "password": PASSWORD})
    response = client.get(reverse("accounts:otp_setup"))
    assert response.status_code == 200
    assert b"data:image/svg+xml;base64," in response.content
    device = TOTPDevice.objects.get(user=world.reviewer, confirmed=False)
    response = client.post(reverse("accounts:otp_setup"), {"token": "000000" if totp_now(device) != "000000" else "111111"})
    assert response.status_code == 200 and "动态口令不正确" in response.content.decode()
    device.refresh_from_db()
    device.throttle_reset()  # the one-second back-off after a wrong code (not waited for here)
    response = client.post(reverse("accounts:otp_setup"), {"token": totp_now(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("rectification:inbox")).status_code == 200
    assert AuditEntry.objects.filter(action="auth.otp_enrolled", actor=world.reviewer).exists()


def test_verification_at_login(client, world, otp_on):
    verified_login(client, world.operator)
    assert client.get(reverse("rectification:ledger")).status_code == 200
    assert AuditEntry.objects.filter(action="auth.otp_verified", actor=world.operator).exists()


def test_bad_codes_are_throttled_and_audited(client, world, otp_on):
    device = enrol(world.inspector)
    client.post(reverse("accounts:login"), {"username": world.inspector.username, "password": PASSWORD})
    good = totp_now(device)
    bad = "123456" if good != "123456" else "654321"
    for _ in range(4):
        client.post(reverse("accounts:otp_verify"), {"token": bad})
    assert AuditEntry.objects.filter(action="auth.otp_failed", actor=world.inspector, outcome="denied").count() == 4
    # throttled: even the right code is refused for a while
    response = client.post(reverse("accounts:otp_verify"), {"token": good})
    assert response.status_code == 200
    assert client.get(reverse("core:home")).status_code == 302


def test_open_redirect_after_verification_is_refused(client, world, otp_on):
    device = enrol(world.reviewer)
    client.post(reverse("accounts:login"), {"username": world.reviewer.username, "password": PASSWORD})
    response = client.post(reverse("accounts:otp_verify"), {"token": totp_now(device), "next": "https://evil.example/"})
    assert response.status_code == 302 and "evil" not in response["Location"]


def test_policy_can_switch_the_requirement_off(client, world, otp_on):
    from accounts import policy

    SecurityPolicy.objects.create(pk=1, totp_required=False)
    policy.forget()
    client.force_login(world.reviewer)
    assert client.get(reverse("core:home")).status_code == 200
