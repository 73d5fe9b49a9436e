"""The one role → permission map of the project, and the scoping mechanism built on it.

Each permission code maps roles to a *scope*:
- OWN: the organization the role is held in;
- SUBTREE: that organization and everything below it;
- BELOW: only organizations strictly below it (a superior acting on its subordinates,
  e.g. a reviewer approving a branch's plan — never its own).

Apps register their codes in their own `permissions.py` (collected at start-up), so the
map is one table even though each app owns its rows. `scope_q` turns the map into a single
WHERE clause; nothing is ever filtered in Python after the query.
"""

from dataclasses import dataclass
from enum import Enum

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from .choices import Role
from .grants import Grant, load_grants


class Scope(Enum):
    OWN = "own"
    SUBTREE = "subtree"
    BELOW = "below"


OWN, SUBTREE, BELOW = Scope.OWN, Scope.SUBTREE, Scope.BELOW

# perm code -> {role: scope}
PERMISSIONS: dict[str, dict[str, Scope]] = {}
# perm code -> Chinese label, for the rules/permissions pages and the audit viewer.
LABELS: dict[str, str] = {}


def register(perms: dict[str, tuple[str, dict[str, Scope]]]) -> None:
    for code, (label, roles) in perms.items():
        if code in PERMISSIONS:
            raise ValueError(f"permission {code} registered twice")
        unknown = set(roles) - set(Role.values)
        if unknown:
            raise ValueError(f"permission {code}: unknown roles {unknown}")
        PERMISSIONS[code] = dict(roles)
        LABELS[code] = label


_READERS = {Role.MEMBER: OWN, Role.COMMITTEE_MEMBER: OWN, Role.SECRETARY: OWN, Role.REVIEWER: SUBTREE, Role.INSPECTOR: SUBTREE, Role.OPERATOR: SUBTREE}

register(
    {
        "organization.view": ("查看党组织", _READERS),
        "member.view": ("查看党员名册", _READERS),
        "member.edit": ("维护党员信息", {Role.SECRETARY: OWN, Role.OPERATOR: SUBTREE}),
        "member.reveal": ("查看完整身份证号和手机号", {Role.SECRETARY: OWN, Role.OPERATOR: SUBTREE}),
        "member.import": ("导入党员名册", {Role.SECRETARY: OWN, Role.OPERATOR: SUBTREE}),
        "admin.access": ("进入后台管理", {Role.OPERATOR: SUBTREE, Role.SYSADMIN: SUBTREE}),
        "account.manage": ("管理账号", {Role.SYSADMIN: SUBTREE}),
        "security.manage": ("管理安全策略", {Role.SECADMIN: SUBTREE}),
        "audit.view": ("查看审计日志", {Role.AUDITADMIN: SUBTREE}),
    }
)


def _covers(grant: Grant, scope: Scope, org_id: int, org_path: str) -> bool:
    if scope is OWN:
        return grant.organization_id == org_id
    inside = org_path.startswith(grant.path)
    if scope is BELOW:
        return inside and grant.organization_id != org_id
    return inside


@dataclass(frozen=True)
class Acting:
    """Who acts, in which role and for which organization: what the audit trail records."""

    user: object
    role: str
    organization_id: int | None


def _allowing(grants, roles: dict[str, Scope], org_id: int, org_path: str) -> Grant | None:
    for grant in grants:
        scope = roles.get(grant.role)
        if scope is not None and _covers(grant, scope, org_id, org_path):
            return grant
    return None


def granting(user, perm: str, organization) -> Grant | None:
    """The grant that allows `perm` on `organization`, or None."""
    return _allowing(load_grants(user), PERMISSIONS[perm], organization.pk, organization.path)


def has_perm(user, perm: str, organization) -> bool:
    return granting(user, perm, organization) is not None


def has_perm_anywhere(user, perm: str) -> bool:
    roles = PERMISSIONS[perm]
    return any(g.role in roles for g in load_grants(user))


def require(user, perm: str, organization) -> Acting:
    """Return the acting context, or refuse with 403 (the object was already visible)."""
    if perm not in PERMISSIONS:
        raise KeyError(f"unknown permission {perm}")
    grant = granting(user, perm, organization)
    if grant is None:
        raise PermissionDenied(f"没有“{LABELS[perm]}”的权限")
    return Acting(user, grant.role, grant.organization_id)


def scope_q(user, perm: str, org_field: str = "organization") -> Q:
    """One WHERE clause selecting the rows whose organization `user` may `perm`.

    `org_field` is the path from the model to its Organization ("" for Organization itself).
    """
    roles = PERMISSIONS[perm]
    prefix = f"{org_field}__" if org_field else ""
    pk = f"{org_field}_id" if org_field else "pk"
    q = Q(pk__in=[])
    for grant in load_grants(user):
        scope = roles.get(grant.role)
        if scope is None:
            continue
        if scope is OWN:
            q |= Q(**{pk: grant.organization_id})
        elif scope is SUBTREE:
            q |= Q(**{f"{prefix}path__startswith": grant.path})
        else:
            q |= Q(**{f"{prefix}path__startswith": grant.path}) & ~Q(**{pk: grant.organization_id})
    return q


def permission_set(user, organization) -> frozenset[str]:
    """Every permission `user` holds on `organization`, precomputed for templates (the grants read
    once: `user` is often the request's lazy proxy, slow to reach for each of ~150 codes)."""
    grants = load_grants(user)
    return frozenset(code for code, roles in PERMISSIONS.items() if _allowing(grants, roles, organization.pk, organization.path))
