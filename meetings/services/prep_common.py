"""Shared helpers of the preparation and sitting services (opinions, talks, sittings, problems).

The lifecycle functions (`lock`, `require_stage`, `advance`, `rulebook_of`) belong to
`meetings.lifecycle` (ol-core); they are imported when called so this part of the app has no
import-time dependency on the order in which the parts land.
"""

from __future__ import annotations

from django.db.models import Case, Q, Value, When
from django.utils import timezone

from accounts.permissions import Acting, granting
from core.errors import DomainError
from organizations.choices import PositionKind

# Preparation steps open once the plan is approved (OL-2.1.c) and stay open until the sittings.
PREP_STAGES = ("preparing", "ready")


def lifecycle():
    from meetings import lifecycle as module

    return module


def lock(meeting):
    """The meeting row, re-read under `select_for_update` (serialises changes to one meeting)."""
    return lifecycle().lock(meeting)


def require_stage(meeting, *stages, action: str) -> None:
    lifecycle().require_stage(meeting, *stages, action=action)


def rulebook_of(meeting):
    return lifecycle().rulebook_of(meeting)


def require_org_life(meeting) -> None:
    if not meeting.is_org_life:
        raise DomainError("这是民主生活会；本页面的环节属于组织生活会。")


def require_prep_kind(meeting) -> None:
    """Opinions and talks serve both kinds: a branch's 组织生活会 (OL-2.3/2.4) and a leading
    team's 民主生活会 (DL-2.5.a, P-DL-2.5.b–d, P-DL-2.6.a–d). A 民主生活会 needs its team."""
    if not meeting.is_org_life and not meeting.leading_team_id:
        raise DomainError("该民主生活会没有关联领导班子，无法征求意见或安排谈心谈话。")


def is_dl(meeting) -> bool:
    return not meeting.is_org_life


# -- people of a branch (OL) or of a leading team (DL) ----------------------------------------
def _memberships(meeting, on=None):
    from organizations.models import LeadingTeamMembership

    on = on or timezone.localdate()
    return (
        LeadingTeamMembership.objects.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on), team_id=meeting.leading_team_id, started_on__lte=on)
        .select_related("member")
        .order_by("-is_main_leader", "rank", "pk")
    )


def leaders(meeting, on=None) -> list:
    """DL: the team's current leaders, the main leader first, then by rank (DL-3.3.d)."""
    seen = {}
    for seat in _memberships(meeting, on):
        seen.setdefault(seat.member_id, seat.member)
    return list(seen.values())


def roster(meeting):
    """OL: the branch's members on the roster (OL-1.3.b: probationary members included).
    DL: the leading team's current leaders."""
    from organizations.models import Member

    if is_dl(meeting):
        ids = [m.pk for m in leaders(meeting)]
        order = Case(*(When(pk=pk, then=Value(i)) for i, pk in enumerate(ids)), default=Value(len(ids)))
        return Member.objects.filter(pk__in=ids).order_by(order, "pk")
    return Member.objects.filter(organization_id=meeting.organization_id, is_active=True).order_by("pk")


def committee_positions(meeting, on=None):
    from organizations.models import Position

    return Position.objects.current(on).filter(organization_id=meeting.organization_id, member__is_active=True).select_related("member")


def committee_members(meeting, on=None) -> list:
    """OL: the committee in order: the secretary first, then deputies and members (OL-3.1.e).
    DL: the leaders, the main leader first (the subjects of opinions, P-DL-2.5.c)."""
    if is_dl(meeting):
        return leaders(meeting, on)
    order = {PositionKind.SECRETARY: 0, PositionKind.DEPUTY_SECRETARY: 1, PositionKind.COMMITTEE_MEMBER: 2}
    seen = {}
    for position in sorted(committee_positions(meeting, on), key=lambda p: (order.get(p.kind, 3), p.member_id)):
        seen.setdefault(position.member_id, position.member)
    return list(seen.values())


def secretary_of(meeting, on=None):
    """OL: the branch secretary. DL: the team's main leader (主要负责人), who runs the meeting."""
    from organizations.models import Position

    if is_dl(meeting):
        seat = _memberships(meeting, on).filter(is_main_leader=True).first()
        return seat.member if seat else None
    position = Position.objects.current(on).filter(organization_id=meeting.organization_id, kind=PositionKind.SECRETARY).select_related("member").first()
    return position.member if position else None


def is_committee_member(meeting, member) -> bool:
    if member is None:
        return False
    if is_dl(meeting):
        return _memberships(meeting).filter(member=member).exists()
    return committee_positions(meeting).filter(member=member).exists()


def overseen_heads(meeting, on=None) -> dict[int, list]:
    """DL (P-DL-2.6.c): leader member id → the heads (Members) of the units they oversee."""
    from organizations.models import Member
    from organizations.models import overseen_heads as head_ids

    if not is_dl(meeting) or not meeting.leading_team_id:
        return {}
    ids = head_ids(meeting.leading_team_id, on)
    people = Member.objects.in_bulk({h for heads in ids.values() for h in heads})
    return {leader: [people[h] for h in heads if h in people] for leader, heads in ids.items()}


def member_key(member) -> str:
    return f"m{member.pk}"


def check_on_roster(meeting, member, label: str = "该党员") -> None:
    if is_dl(meeting):
        if not is_committee_member(meeting, member):
            raise DomainError(f"{label}不是本领导班子的成员。")
        return
    if member is None or member.organization_id != meeting.organization_id or not member.is_active:
        raise DomainError(f"{label}不在本支部党员名册中。")


# -- who may do what -------------------------------------------------------------------
def is_secretary_user(user, meeting) -> bool:
    return granting(user, "meeting.manage", meeting.organization) is not None


def is_superior_user(user, meeting) -> bool:
    """A reviewer or inspector above the branch (the superior who guides the meeting)."""
    return granting(user, "meeting.guide", meeting.organization) is not None


def can_see_confidential(user, meeting) -> bool:
    """OL-2.4.f flags and OL-2.3.e personal feedback: the secretary and the superior only."""
    return is_secretary_user(user, meeting) or is_superior_user(user, meeting)


def acting_for(user, perm: str, meeting) -> Acting:
    from accounts.permissions import require

    return require(user, perm, meeting.organization)


def today():
    return timezone.localdate()


def not_future(value, label: str) -> None:
    if value is not None and value > today():
        raise DomainError(f"{label}不能晚于今天。")


def active_opinions(meeting):
    """Opinions that count: duplicates merged into another one are left out."""
    from meetings.models import Opinion

    return Opinion.objects.filter(meeting=meeting, merged_into__isnull=True)


# -- words the pages use for either kind ---------------------------------------------------------
OL_TERMS = {
    "team": "支部班子",
    "member": "支部委员",
    "members": "支部委员",
    "lead": "支部书记",
    "people": "党员",
    "superior": "上级党组织负责同志",
    "opinion_clauses": "OL-2.3",
    "talk_clauses": "OL-2.4.a–f",
}
DL_TERMS = {
    "team": "领导班子",
    "member": "班子成员",
    "members": "班子成员",
    "lead": "主要负责人",
    "people": "班子成员",
    "superior": "上级负责同志",
    "opinion_clauses": "DL-2.5.a；提议 P-DL-2.5.b–d",
    "talk_clauses": "提议 P-DL-2.6.a–d，非本地制度原文",
}


def terms(meeting) -> dict:
    """The page words: 支部班子/支部委员/支部书记 (OL) or 领导班子/班子成员/主要负责人 (DL)."""
    return DL_TERMS if is_dl(meeting) else OL_TERMS
