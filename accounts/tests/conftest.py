import pytest

from tests.factories import totp_now


@pytest.fixture
def otp_on(settings):
    settings.OTP_ENFORCED = True
    return settings


@pytest.fixture
def admins(world):
    from accounts.choices import Role
    from tests.factories import make_role_user

    return {
        "sysadmin": make_role_user(Role.SYSADMIN, world.district, display_name="系统管理员甲"),
        "secadmin": make_role_user(Role.SECADMIN, world.district, display_name="安全管理员乙"),
        "auditadmin": make_role_user(Role.AUDITADMIN, world.district, display_name="审计管理员丙"),
    }


def enrol(user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(user=user, name="test", confirmed=True)


def verified_login(client, user):
    """Log in with password and pass the TOTP step, as a browser would."""
    from django.urls import reverse

    from tests.factories import PASSWORD

    device = enrol(user)
    client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    response = client.post(reverse("accounts:otp_verify"), {"token": totp_now(device)})
    assert response.status_code == 302, response.content[:500]
    return client
