"""What a user may act as: explicit role assignments plus roles implied by the roster.

A member's own branch, and the secretary / committee-member offices they currently hold,
are read from `organizations` so that a change of position changes the role with it —
no second copy of the same fact to keep in step.
"""

from dataclasses import dataclass

from django.utils import timezone

from .choices import Role


@dataclass(frozen=True)
class Grant:
    role: str
    organization_id: int
    path: str
    office: str = ""
    source: str = "assignment"  # or "roster", "position"


def _queries():
    """The grant reads, compiled to SQL once (`core.prepared`): they run on every page."""
    import datetime

    from django.db.models import Q

    from core.prepared import Prepared
    from organizations.models import LeadingTeamMembership, Member, Position

    from .models import RoleAssignment

    return {
        "assignments": Prepared(
            lambda user, today: RoleAssignment.objects.filter(
                Q(ended_on__isnull=True) | Q(ended_on__gte=today), user_id=user, started_on__lte=today
            ).values_list("role", "organization_id", "organization__path", "office"),
            user=int,
            today=datetime.date,
        ),
        "positions": Prepared(
            lambda member: Position.objects.filter(member_id=member).values_list("kind", "organization_id", "organization__path", "started_on", "ended_on"),
            member=int,
        ),
        "member": Prepared(
            lambda user: Member.objects.filter(user_id=user, is_active=True).select_related("organization").order_by("pk")[:1],
            user=int,
        ),
        "seats": Prepared(
            lambda member: LeadingTeamMembership.objects.filter(member_id=member).values_list(
                "is_main_leader", "team__organization_id", "team__organization__path", "started_on", "ended_on"
            ),
            member=int,
        ),
    }


_PREPARED: dict = {}


def _q(name):
    if not _PREPARED:
        _PREPARED.update(_queries())
    return _PREPARED[name]


def load_grants(user) -> tuple[Grant, ...]:
    """All current grants of `user`, cached on the user object for this request (4 queries)."""
    cached = getattr(user, "_grants_cache", None)
    if cached is not None:
        return cached
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        user._grants_cache = ()
        return ()
    from organizations.models import PositionKind

    today = timezone.localdate()
    grants = [Grant(role, org_id, path, office) for role, org_id, path, office in _q("assignments").tuples(user=user.pk, today=today)]
    member = _member(user)
    if not hasattr(user, "_member_cache"):
        user._member_cache = member  # the same row `member_of` reads: no second query per request
    if member is not None:
        org = member.organization
        grants.append(Grant(Role.MEMBER, org.pk, org.path, source="roster"))
        for kind, org_id, path, started_on, ended_on in _q("positions").tuples(member=member.pk):
            if not (started_on <= today and (ended_on is None or ended_on >= today)):  # Position.is_current
                continue
            role = Role.SECRETARY if kind == PositionKind.SECRETARY else Role.COMMITTEE_MEMBER
            grants.append(Grant(role, org_id, path, source="position"))
        # 班子成员 / 主要负责人 of a leading team act for the team's organization (DL).
        for is_main_leader, org_id, path, started_on, ended_on in _q("seats").tuples(member=member.pk):
            if started_on <= today and (ended_on is None or ended_on >= today):
                grants.append(Grant(Role.MAIN_LEADER if is_main_leader else Role.LEADER, org_id, path, source="team"))
    user._grants_cache = tuple(dict.fromkeys(grants))
    return user._grants_cache


def forget_grants(user) -> None:
    user.__dict__.pop("_grants_cache", None)


def roles_of(user) -> set[str]:
    return {g.role for g in load_grants(user)}


def member_of(user):
    """The roster entry of this user, or None (cached)."""
    if not hasattr(user, "_member_cache"):
        user._member_cache = _member(user) if getattr(user, "is_authenticated", False) else None
    return user._member_cache


def _member(user):
    found = _q("member").objects(user=user.pk)
    return found[0] if found else None
