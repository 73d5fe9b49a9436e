"""Meetings in a given stage for ol-core tests (and anyone who needs a plain meeting)."""

from __future__ import annotations

import datetime

from meetings.choices import Half, MeetingKind, PlanStatus, Stage
from meetings.models import Meeting, Plan

FULL_PLAN = {
    "theme": "学思想、强党性、重实践、建新功",
    "scheduled_date": datetime.date(2026, 12, 20),
    "place": "社区党群服务中心",
    "form": "先召开支委会，再召开党员大会",
    "participants": "本支部全体党员",
    "requirements": "认真开展批评和自我批评",
}


def make_meeting(org, *, stage=Stage.PLANNING, year=2026, half=Half.YEAR_END, kind=MeetingKind.ORG_LIFE, plan_status=None, campaign=None, **plan) -> Meeting:
    """A meeting created directly (no service, no audit), with its plan."""
    meeting = Meeting.objects.create(
        organization=org,
        kind=kind,
        year=year,
        half=half if kind == MeetingKind.ORG_LIFE else "",
        title=f"{org.name}{year}年组织生活会",
        stage=stage,
        rulebook_slug="district-2024",
        rulebook_version="1",
        campaign=campaign,
        scheduled_date=plan.get("scheduled_date"),
    )
    status = plan_status or (PlanStatus.DRAFT if stage == Stage.PLANNING else PlanStatus.APPROVED)
    Plan.objects.create(meeting=meeting, status=status, **plan)
    return meeting
