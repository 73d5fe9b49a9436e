"""Meetings, problems, items and report parts for rectification tests."""

import datetime

from django.utils import timezone

from meetings.choices import Half, MeetingKind, SittingKind, SittingStatus, Stage
from meetings.models import Meeting, OpinionSummary, Sitting
from rectification.choices import ItemStatus, ProblemScope, ProblemSource
from rectification.models import Problem, RectificationItem

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def make_meeting(
    org, *, kind=MeetingKind.ORG_LIFE, year=None, half=None, held_on=None, stage=Stage.RECTIFYING, leading_team=None, title=None, sitting=True
) -> Meeting:
    """A held meeting (by default 30 days ago, with one closed sitting that day). When the regular
    slot (organization, kind, year, half) is taken, the new one is marked special so the
    one-regular-meeting-per-slot constraint never bites in tests that need many meetings."""
    held_on = held_on or (datetime.date(year, 6, 20) if year else timezone.localdate() - datetime.timedelta(days=30))
    year = year or held_on.year
    if half is None:
        half = Half.MID_YEAR if kind == MeetingKind.ORG_LIFE else Half.NONE
    special = Meeting.objects.filter(organization=org, kind=kind, year=year, half=half, special=False).exists()
    meeting = Meeting.objects.create(
        special=special,
        organization=org,
        leading_team=leading_team,
        kind=kind,
        year=year,
        half=half,
        title=title or f"{org.name}{year}年{'组织生活会' if kind == MeetingKind.ORG_LIFE else '民主生活会'}",
        scheduled_date=held_on,
        stage=stage,
        rulebook_slug="district-2024",
        rulebook_version="1",
    )
    if sitting:
        sitting_kind = SittingKind.GENERAL if kind == MeetingKind.ORG_LIFE else SittingKind.DEMOCRATIC_LIFE
        Sitting.objects.create(meeting=meeting, kind=sitting_kind, order=1, status=SittingStatus.CLOSED, date=held_on, place="党员活动室")
    return meeting


def make_problem(meeting, *, scope=ProblemScope.ORGANIZATION, owner_member=None, source=ProblemSource.OPINION, description="联系群众不够紧密") -> Problem:
    return Problem.objects.create(
        meeting=meeting, organization=meeting.organization, source=source, scope=scope, owner_member=owner_member, description=description
    )


def make_item(
    meeting=None,
    *,
    problem=None,
    status=ItemStatus.OPEN,
    goal="建立联系群众制度",
    measures="每月走访一次",
    responsible_member=None,
    responsible_organization=None,
    deadline=None,
    is_public=True,
    **extra,
) -> RectificationItem:
    """An item straight in the database (services are tested on their own)."""
    problem = problem or make_problem(
        meeting, scope=ProblemScope.PERSONAL if responsible_member else ProblemScope.ORGANIZATION, owner_member=responsible_member
    )
    meeting = problem.meeting
    if responsible_member is None and responsible_organization is None and status != ItemStatus.DRAFT:
        responsible_organization = meeting.organization
    if deadline is None and status != ItemStatus.DRAFT:
        deadline = timezone.localdate() + datetime.timedelta(days=30)
    return RectificationItem.objects.create(
        problem=problem,
        meeting=meeting,
        organization=meeting.organization,
        goal=goal,
        measures=measures,
        responsible_member=responsible_member,
        responsible_organization=responsible_organization,
        deadline=deadline,
        is_public=is_public,
        status=status,
        finalized_at=timezone.now() if status != ItemStatus.DRAFT else None,
        **extra,
    )


def make_summary(meeting, user) -> OpinionSummary:
    number = OpinionSummary.objects.filter(meeting=meeting).count() + 1
    return OpinionSummary.objects.create(meeting=meeting, number=number, content={"team": [], "people": []}, frozen_by=user)
