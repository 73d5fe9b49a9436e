from django.core.exceptions import ValidationError
from django.db import transaction

from audit.services import record

from .choices import ADMIN_ROLES
from .grants import forget_grants
from .models import RoleAssignment


def check_role_separation(user, role: str, exclude_pk=None) -> None:
    """An administrator role excludes every other role (等保 8.1.5: 三员分立)."""
    others = set(RoleAssignment.objects.active().filter(user=user).exclude(pk=exclude_pk).values_list("role", flat=True))
    if hasattr(user, "member") and user.member is not None:
        others.add("member")
    if role in ADMIN_ROLES and others:
        raise ValidationError("系统管理员、安全管理员、审计管理员不得兼任其他角色")
    if others & ADMIN_ROLES:
        raise ValidationError("该账号已是管理员，不得再授予其他角色")


def assign_role(user, role: str, organization, *, actor, office: str = "") -> RoleAssignment:
    with transaction.atomic():
        check_role_separation(user, role)
        assignment = RoleAssignment.objects.create(user=user, role=role, organization=organization, office=office)
        record(actor, organization, assignment, "role.assigned", {"user": user.username, "role": role, "office": office})
    forget_grants(user)
    return assignment
