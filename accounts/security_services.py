"""State changes of the three administrators' work and of two-factor enrolment.

Each follows the house pattern: lock → require → change → audit, in one transaction.
"""

from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from audit.services import diff, record, snapshot
from core.errors import ConcurrentEditError, DomainError

from .grants import forget_grants
from .models import SecurityPolicy, User
from .permissions import require

POLICY_FIELDS = (
    "lockout_threshold",
    "lockout_minutes",
    "session_idle_minutes",
    "session_absolute_hours",
    "password_max_age_days",
    "totp_required",
    "audit_retention_days",
)


def root_of(user, perm: str):
    """The organization a grant of `perm` is held in (the administrator's organization)."""
    from organizations.models import Organization

    from .grants import load_grants
    from .permissions import PERMISSIONS

    roles = PERMISSIONS[perm]
    for grant in load_grants(user):
        if grant.role in roles:
            return Organization.objects.get(pk=grant.organization_id)
    return None


def update_policy(*, actor, version: int, **values) -> SecurityPolicy:
    organization = root_of(actor, "security.manage")
    if organization is None:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("只有安全管理员可以修改安全策略")
    acting = require(actor, "security.manage", organization)
    with transaction.atomic():
        policy, _ = SecurityPolicy.objects.select_for_update().get_or_create(pk=1)
        if policy.version != version:
            raise ConcurrentEditError("安全策略已被他人修改，请刷新后重试。")
        before = snapshot(policy, fields=POLICY_FIELDS)
        for field in POLICY_FIELDS:
            if field in values:
                setattr(policy, field, values[field])
        policy.full_clean(exclude=["updated_by"])
        policy.version += 1
        policy.updated_by = actor
        policy.save()
        record(acting, organization, policy, "security.policy_changed", diff(before, snapshot(policy, fields=POLICY_FIELDS)))
    return policy


def _managed_user(actor, user: User):
    """Sysadmins act on accounts holding a role or a roster seat inside their subtree."""
    from .scoping_users import users_visible_to

    if not users_visible_to(actor).filter(pk=user.pk).exists():
        from django.http import Http404

        raise Http404("未找到账号")
    organization = root_of(actor, "account.manage")
    return require(actor, "account.manage", organization), organization


def set_active(user: User, *, actor, active: bool) -> User:
    acting, organization = _managed_user(actor, user)
    if user.pk == actor.pk:
        raise DomainError("不能停用自己的账号。")
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        user.is_active = active
        user.save(update_fields=["is_active"])
        if not active:
            end_sessions(user)
        record(acting, organization, user, "account.activated" if active else "account.deactivated")
    forget_grants(user)
    return user


def force_password_change(user: User, *, actor) -> User:
    acting, organization = _managed_user(actor, user)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        user.must_change_password = True
        user.save(update_fields=["must_change_password"])
        record(acting, organization, user, "account.password_change_forced")
    return user


def reset_second_factor(user: User, *, actor) -> int:
    """A user lost their phone: remove the devices so they enrol again at next login."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    acting, organization = _managed_user(actor, user)
    with transaction.atomic():
        count, _ = TOTPDevice.objects.filter(user=user).delete()
        end_sessions(user)
        record(acting, organization, user, "auth.otp_reset", {"devices": count})
    return count


def end_sessions(user: User, keep: str | None = None) -> int:
    """Delete every session of `user` but `keep` (deactivation, second-factor reset, new login)."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).exclude(session_key=keep).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()
            ended += 1
    return ended


# -- TOTP enrolment ------------------------------------------------------------------------
def start_enrolment(user: User):
    """An unconfirmed device with a fresh secret (replacing any earlier unconfirmed one)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="动态口令", confirmed=False)


def confirm_enrolment(device, token: str) -> bool:
    with transaction.atomic():
        if not device.verify_token(token):
            record(device.user, None, device.user, "auth.otp_failed", {"enrolment": True}, outcome="denied")
            return False
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        type(device).objects.filter(user=device.user).exclude(pk=device.pk).delete()
        record(device.user, None, device.user, "auth.otp_enrolled")
    return True
