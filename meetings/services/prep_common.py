"""Shared helpers of the preparation and sitting services (opinions, talks, sittings, problems).

The lifecycle functions (`lock`, `require_stage`, `advance`, `rulebook_of`) belong to
`meetings.lifecycle` (ol-core); they are imported when called so this part of the app has no
import-time dependency on the order in which the parts land.
"""

from __future__ import annotations

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


# -- people of a branch ---------------------------------------------------------------
def roster(meeting):
    """The branch's members on the roster (OL-1.3.b: probationary members included)."""
    from organizations.models import Member

    return Member.objects.filter(organization_id=meeting.organization_id, is_active=True).order_by("pk")


def committee_positions(meeting, on=None):
    from organizations.models import Position

    return Position.objects.current(on).filter(organization_id=meeting.organization_id, member__is_active=True).select_related("member")


def committee_members(meeting, on=None) -> list:
    """The committee in order: the secretary first, then deputies and members (OL-3.1.e)."""
    order = {PositionKind.SECRETARY: 0, PositionKind.DEPUTY_SECRETARY: 1, PositionKind.COMMITTEE_MEMBER: 2}
    seen = {}
    for position in sorted(committee_positions(meeting, on), key=lambda p: (order.get(p.kind, 3), p.member_id)):
        seen.setdefault(position.member_id, position.member)
    return list(seen.values())


def secretary_of(meeting, on=None):
    from organizations.models import Position

    position = Position.objects.current(on).filter(organization_id=meeting.organization_id, kind=PositionKind.SECRETARY).select_related("member").first()
    return position.member if position else None


def is_committee_member(meeting, member) -> bool:
    return member is not None and committee_positions(meeting).filter(member=member).exists()


def member_key(member) -> str:
    return f"m{member.pk}"


def check_on_roster(meeting, member, label: str = "该党员") -> None:
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
