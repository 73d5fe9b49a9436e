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


def load_grants(user) -> tuple[Grant, ...]:
    """All current grants of `user`, cached on the user object for this request (2 queries)."""
    cached = getattr(user, "_grants_cache", None)
    if cached is not None:
        return cached
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        user._grants_cache = ()
        return ()
    from django.db.models import Prefetch

    from organizations.models import LeadingTeamMembership, Member, Position, PositionKind

    today = timezone.localdate()
    grants = [Grant(a.role, a.organization_id, a.organization.path, a.office) for a in user.role_assignments.active(today).select_related("organization")]
    member = (
        Member.objects.filter(user=user, is_active=True)
        .select_related("organization")
        .prefetch_related(
            Prefetch("positions", queryset=Position.objects.select_related("organization")),
            Prefetch("team_memberships", queryset=LeadingTeamMembership.objects.select_related("team__organization")),
        )
        .first()
    )
    if not hasattr(user, "_member_cache"):
        user._member_cache = member  # the same row `member_of` reads: no second query per request
    if member is not None:
        org = member.organization
        grants.append(Grant(Role.MEMBER, org.pk, org.path, source="roster"))
        for position in member.positions.all():
            if not position.is_current(today):
                continue
            role = Role.SECRETARY if position.kind == PositionKind.SECRETARY else Role.COMMITTEE_MEMBER
            grants.append(Grant(role, position.organization_id, position.organization.path, source="position"))
        # 班子成员 / 主要负责人 of a leading team act for the team's organization (DL).
        for seat in member.team_memberships.all():
            if seat.started_on <= today and (seat.ended_on is None or seat.ended_on >= today):
                team_org = seat.team.organization
                grants.append(Grant(Role.MAIN_LEADER if seat.is_main_leader else Role.LEADER, team_org.pk, team_org.path, source="team"))
    user._grants_cache = tuple(dict.fromkeys(grants))
    return user._grants_cache


def forget_grants(user) -> None:
    user.__dict__.pop("_grants_cache", None)


def roles_of(user) -> set[str]:
    return {g.role for g in load_grants(user)}


def member_of(user):
    """The roster entry of this user, or None (cached)."""
    if not hasattr(user, "_member_cache"):
        from organizations.models import Member

        user._member_cache = (
            Member.objects.filter(user=user, is_active=True).select_related("organization").first() if getattr(user, "is_authenticated", False) else None
        )
    return user._member_cache
