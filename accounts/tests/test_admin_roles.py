"""三员分立 (等保 8.1.5.1–3): 系统管理员, 安全管理员, 审计管理员 each use only their own pages."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import policy
from accounts.choices import ADMIN_ROLES, Role
from accounts.models import RoleAssignment, SecurityPolicy
from accounts.permissions import PERMISSIONS
from audit.models import AuditEntry

from .conftest import verified_login

pytestmark = pytest.mark.django_db

PAGES = {"sysadmin": "accounts:admin_users", "secadmin": "accounts:policy", "auditadmin": "accounts:audit_log"}


def _policy_post(version=1, **overrides):
    data = {
        "lockout_threshold": 5,
        "lockout_minutes": 30,
        "session_idle_minutes": 15,
        "session_absolute_hours": 8,
        "password_max_age_days": 90,
        "totp_required": "on",
        "audit_retention_days": 365,
        "version": version,
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("role", ["sysadmin", "secadmin", "auditadmin"])
def test_each_admin_reaches_only_its_own_page(client, admins, otp_on, role):
    verified_login(client, admins[role])
    for other, page in PAGES.items():
        status = client.get(reverse(page)).status_code
        assert status == (200 if other == role else 403), (role, page, status)


@pytest.mark.parametrize("role", ["sysadmin", "secadmin", "auditadmin"])
def test_admins_reach_no_business_data(client, admins, role):
    client.force_login(admins[role])
    for name in ("rectification:ledger", "rectification:inbox", "rectification:mine", "organizations:tree"):
        try:
            url = reverse(name)
        except Exception:
            continue
        assert client.get(url).status_code in (403, 404), name


def test_sysadmin_cannot_read_audit_or_ballots():
    sysadmin_perms = {code for code, roles in PERMISSIONS.items() if Role.SYSADMIN in roles}
    assert "audit.view" not in sysadmin_perms
    assert not any(code.startswith(("appraisal", "ballot")) for code in sysadmin_perms)
    assert sysadmin_perms <= {"account.manage", "admin.access"}


def test_auditadmin_only_reads():
    assert [code for code, roles in PERMISSIONS.items() if Role.AUDITADMIN in roles] == ["audit.view"]
    assert [code for code, roles in PERMISSIONS.items() if Role.SECADMIN in roles] == ["security.manage"]


def test_auditadmin_cannot_change_anything(client, admins, world):
    client.force_login(admins["auditadmin"])
    assert client.post(reverse("accounts:policy"), _policy_post()).status_code == 403
    assert client.post(reverse("accounts:user_deactivate", args=[world.member.pk])).status_code == 403
    world.member.refresh_from_db()
    assert world.member.is_active


def test_secadmin_sets_the_policy_audited(client, admins):
    client.force_login(admins["secadmin"])
    response = client.post(reverse("accounts:policy"), _policy_post(lockout_threshold=4))
    assert response.status_code == 302
    saved = SecurityPolicy.objects.get(pk=1)
    assert saved.lockout_threshold == 4 and saved.password_max_age_days == 90
    entry = AuditEntry.objects.get(action="security.policy_changed")
    assert entry.actor == admins["secadmin"] and entry.role == Role.SECADMIN
    assert entry.data["lockout_threshold"] == [5, 4]
    policy.forget()
    assert policy.failure_limit() == 4


def test_policy_keeps_audit_at_least_180_days(client, admins):
    client.force_login(admins["secadmin"])
    response = client.post(reverse("accounts:policy"), _policy_post(audit_retention_days=90))
    assert response.status_code == 200
    assert "180" in response.content.decode()
    assert not SecurityPolicy.objects.exists()


def test_stale_policy_version_is_refused(client, admins):
    client.force_login(admins["secadmin"])
    client.post(reverse("accounts:policy"), _policy_post())
    response = client.post(reverse("accounts:policy"), _policy_post(version=1, lockout_threshold=6))
    assert response.status_code == 200 and "已被他人修改" in response.content.decode()


def test_sysadmin_manages_accounts(client, admins, world):
    client.force_login(admins["sysadmin"])
    response = client.get(reverse("accounts:admin_users"))
    assert world.member.username in response.content.decode()
    assert client.post(reverse("accounts:user_deactivate", args=[world.member.pk])).status_code == 302
    world.member.refresh_from_db()
    assert not world.member.is_active
    assert AuditEntry.objects.filter(action="account.deactivated", object_id=str(world.member.pk)).exists()
    client.post(reverse("accounts:user_force_password", args=[world.secretary.pk]))
    world.secretary.refresh_from_db()
    assert world.secretary.must_change_password


def test_sysadmin_outside_subtree_gets_404(client, world):
    from tests.factories import make_role_user

    sysadmin_p2 = make_role_user(Role.SYSADMIN, world.p2)
    client.force_login(sysadmin_p2)
    assert client.post(reverse("accounts:user_deactivate", args=[world.member.pk])).status_code == 404


def test_auditadmin_reads_and_verifies_the_trail_and_is_audited(client, admins, world):
    client.force_login(world.member)
    client.force_login(admins["auditadmin"])
    response = client.get(reverse("accounts:audit_log") + "?verify=1")
    body = response.content.decode()
    assert response.status_code == 200 and "摘要链完整" in body and "登录" in body
    assert AuditEntry.objects.filter(action="audit.viewed", actor=admins["auditadmin"]).exists()


@pytest.mark.parametrize("admin_role", sorted(ADMIN_ROLES))
def test_admin_roles_exclude_every_other_role(world, admin_role):
    from accounts.services import check_role_separation

    with pytest.raises(ValidationError):
        check_role_separation(world.reviewer, admin_role)
    with pytest.raises(ValidationError):
        check_role_separation(world.member, admin_role)  # on a roster
    assignment = RoleAssignment(user=world.operator, role=admin_role, organization=world.district)
    with pytest.raises(ValidationError):
        assignment.clean()
