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

    from django.db.models import Case, CharField, Q, Subquery, Value, When

    from core.prepared import Prepared
    from organizations.models import LeadingTeamMembership, Member, Position

    from .models import RoleAssignment

    def offices(user, today):
        """Role assignments, and the positions and leading-team seats of the user's roster entry
        (the one `member` reads), as rows of one shape: one round trip instead of three."""
        member = Subquery(Member.objects.filter(user_id=user, is_active=True).order_by("pk").values("pk")[:1])
        text = {"output_field": CharField()}
        assignments = RoleAssignment.objects.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today), user_id=user, started_on__lte=today).values_list(
            Value("assignment", **text), "role", "organization_id", "organization__path", "office", "started_on", "ended_on"
        )
        positions = Position.objects.filter(member_id=member).values_list(
            Value("position", **text), "kind", "organization_id", "organization__path", Value("", **text), "started_on", "ended_on"
        )
        seat = Case(When(is_main_leader=True, then=Value(Role.MAIN_LEADER)), default=Value(Role.LEADER), **text)
        seats = LeadingTeamMembership.objects.filter(member_id=member).values_list(
            Value("team", **text), seat, "team__organization_id", "team__organization__path", Value("", **text), "started_on", "ended_on"
        )
        return assignments.order_by().union(positions.order_by(), seats.order_by(), all=True)

    return {
        "offices": Prepared(offices, user=int, today=datetime.date),
        "member": Prepared(
            lambda user: Member.objects.filter(user_id=user, is_active=True).select_related("organization").order_by("pk")[:1],
            user=int,
        ),
    }


_PREPARED: dict = {}


def _q(name):
    if not _PREPARED:
        _PREPARED.update(_queries())
    return _PREPARED[name]


def load_grants(user) -> tuple[Grant, ...]:
    """All current grants of `user`, cached on the user object for this request (2 queries, one
    round trip on PostgreSQL)."""
    cached = getattr(user, "_grants_cache", None)
    if cached is not None:
        return cached
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        user._grants_cache = ()
        return ()
    from core.prepared import together
    from organizations.models import PositionKind

    today = timezone.localdate()
    with together([(_q("member"), {"user": user.pk}), (_q("offices"), {"user": user.pk, "today": today})]):  # one round trip
        member = _member(user)
        offices = _q("offices").tuples(user=user.pk, today=today)
    if not hasattr(user, "_member_cache"):
        user._member_cache = member  # the same row `member_of` reads: no second query per request
    by_source: dict[str, list[Grant]] = {"assignment": [], "roster": [], "position": [], "team": []}
    if member is not None:
        by_source["roster"].append(Grant(Role.MEMBER, member.organization.pk, member.organization.path, source="roster"))
    for source, role, org_id, path, office, started_on, ended_on in offices:
        if source == "assignment":
            by_source[source].append(Grant(role, org_id, path, office))
        elif started_on <= today and (ended_on is None or ended_on >= today):  # Position.is_current
            if source == "position":
                role = Role.SECRETARY if role == PositionKind.SECRETARY else Role.COMMITTEE_MEMBER
            # 班子成员 / 主要负责人 of a leading team act for the team's organization (DL).
            by_source[source].append(Grant(role, org_id, path, source=source))
    grants = [g for found in by_source.values() for g in found]
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
