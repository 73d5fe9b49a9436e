"""State changes of the roster: each one locks, checks permission, audits."""

import secrets
import string

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts.permissions import require
from audit.services import diff, record, snapshot
from core.errors import ConcurrentEditError, DomainError

from .choices import PositionKind
from .models import Member, Position


def update_member(member: Member, *, actor, changes: dict, version: int, id_number: str | None = None, phone: str | None = None) -> Member:
    """Apply a form's changes, refusing if someone saved the member since `version` was read."""
    with transaction.atomic():
        locked = Member.objects.select_for_update().get(pk=member.pk)
        acting = require(actor, "member.edit", locked.organization)
        if locked.version != version:
            raise ConcurrentEditError()
        before = snapshot(locked)
        for field, value in changes.items():
            setattr(locked, field, value)
        pii_changed = []
        if id_number is not None and id_number != locked.id_number:
            if Member.objects.with_id_number(id_number).exclude(pk=locked.pk).exists():
                raise DomainError("该身份证号已登记为其他党员")
            locked.set_id_number(id_number)
            pii_changed.append("id_number")
        if phone is not None and phone != locked.phone:
            locked.set_phone(phone)
            pii_changed.append("phone")
        locked.version += 1
        locked.full_clean(exclude=["id_number_ciphertext", "phone_ciphertext", "user"])
        locked.save()
        data = {"changes": diff(before, snapshot(locked))}
        if pii_changed:
            data["personal_data_changed"] = pii_changed
        record(acting, locked.organization, locked, "member.updated", data)
    return locked


def reveal_member_pii(member: Member, *, actor, reason: str = "") -> dict:
    """Full ID number and phone, for the member, their secretary or an operator; audited."""
    own = member.user_id is not None and member.user_id == actor.pk
    acting = actor if own else require(actor, "member.reveal", member.organization)
    with transaction.atomic():
        record(acting, member.organization, member, "member.revealed", {"fields": ["id_number", "phone"], "reason": reason[:200], "self": own})
    return {"id_number": member.id_number, "phone": member.phone}


def appoint(organization, member: Member, kind: str, *, actor, on=None) -> Position:
    """Start a term; a new secretary ends the previous one's term the day before."""
    on = on or timezone.localdate()
    with transaction.atomic():
        acting = require(actor, "member.edit", organization)
        if member.organization_id != organization.pk:
            raise DomainError("只能任命本支部党员担任支部职务")
        current = Position.objects.select_for_update().current(on).filter(organization=organization, member=member, kind=kind)
        if current.exists():
            raise DomainError("该党员已在任此职务")
        if kind == PositionKind.SECRETARY:
            for old in Position.objects.select_for_update().filter(organization=organization, kind=kind, ended_on__isnull=True):
                end_position(old, actor=actor, on=on - timezone.timedelta(days=1))
        position = Position.objects.create(organization=organization, member=member, kind=kind, started_on=on)
        record(acting, organization, position, "position.appointed", {"member": member.name, "kind": kind, "started_on": on})
    return position


def end_position(position: Position, *, actor, on=None) -> Position:
    on = on or timezone.localdate()
    with transaction.atomic():
        acting = require(actor, "member.edit", position.organization)
        if position.ended_on is not None:
            raise DomainError("该任职已结束")
        position.ended_on = max(on, position.started_on)
        position.save(update_fields=["ended_on"])
        record(acting, position.organization, position, "position.ended", {"member": position.member.name, "ended_on": position.ended_on})
    return position


def _initial_password() -> str:
    alphabet = string.ascii_letters + string.digits
    while True:
        body = "".join(secrets.choice(alphabet) for _ in range(10))
        if any(c.islower() for c in body) and any(c.isupper() for c in body) and any(c.isdigit() for c in body):
            return body


def create_member_account(member: Member, *, actor) -> tuple[object, str]:
    """Open a login for a member (phone login); the one-time password is shown once and must be changed."""
    with transaction.atomic():
        locked = Member.objects.select_for_update().get(pk=member.pk)
        acting = require(actor, "member.edit", locked.organization)
        if locked.user_id:
            raise DomainError("该党员已开通账号")
        if not locked.phone_ciphertext:
            raise DomainError("请先登记该党员的手机号码，再开通账号")
        User = get_user_model()
        password = _initial_password()
        user = User(username=f"m{locked.uid.hex[:12]}", display_name=locked.name, must_change_password=True)
        user.set_phone(locked.phone)
        user.set_password(password)
        user.save()
        locked.user = user
        locked.save(update_fields=["user"])
        record(acting, locked.organization, locked, "member.account_created", {"username": user.username})
    return user, password
