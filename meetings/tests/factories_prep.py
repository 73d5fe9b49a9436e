"""Meetings in a given stage, opinions, talks and sittings for the ol-prep tests.

Until `meetings.lifecycle` (ol-core) is in the tree, `ensure_lifecycle()` installs a minimal
stand-in implementing the contract names used here (tests only; never shipped).
"""

from __future__ import annotations

import datetime
import importlib
import sys
import types

from django.utils import timezone

from meetings.choices import Half, MeetingKind, OpinionChannel, SittingKind, SittingStatus, Stage
from organizations.choices import PositionKind
from tests.factories import make_member, make_position


def ensure_lifecycle():
    try:
        return importlib.import_module("meetings.lifecycle")
    except ImportError:
        pass
    from django.db import transaction

    from core.errors import DomainError
    from meetings.models import Meeting, StageChange
    from rulebook import engine

    module = types.ModuleType("meetings.lifecycle")

    def lock(meeting):
        return Meeting.objects.select_for_update().select_related("organization").get(pk=meeting.pk)

    def require_stage(meeting, *stages, action="该操作"):
        if meeting.stage not in stages:
            raise DomainError(f"会议目前处于“{Stage(meeting.stage).label}”阶段，不能{action}。")

    def rulebook_of(meeting):
        return engine.load(meeting.rulebook_slug, meeting.rulebook_version)

    def advance(meeting, to_stage, *, actor):
        with transaction.atomic():
            meeting = lock(meeting)
            StageChange.objects.create(meeting=meeting, from_stage=meeting.stage, to_stage=to_stage, by=actor)
            meeting.stage = to_stage
            meeting.save(update_fields=["stage"])
        return meeting

    module.lock, module.require_stage, module.rulebook_of, module.advance = lock, require_stage, rulebook_of, advance
    module.GateError = DomainError
    sys.modules["meetings.lifecycle"] = module
    import meetings

    meetings.lifecycle = module
    return module


ensure_lifecycle()


def make_ol_meeting(org, *, stage=Stage.PREPARING, half=Half.YEAR_END, year=None, slug="district-2024", scheduled=None):
    from meetings.models import Meeting
    from rulebook import engine

    book = engine.load(slug)
    year = year or timezone.localdate().year
    return Meeting.objects.create(
        organization=org,
        kind=MeetingKind.ORG_LIFE,
        half=half,
        year=year,
        title=f"{org.name}{year}年{'年底' if half == Half.YEAR_END else '年中'}组织生活会",
        scheduled_date=scheduled or timezone.localdate(),
        stage=stage,
        rulebook_slug=slug,
        rulebook_version=book.version,
    )


def add_committee_member(org, name="李委员", *, user=True):
    m = make_member(org, user=user, name=name)
    make_position(org, m, PositionKind.COMMITTEE_MEMBER)
    return m


def make_opinion(meeting, *, target_member=None, content="社区党员活动室周末不开放，上班的党员无法参加活动，建议周六上午开放。", **kwargs):
    from meetings.models import Opinion

    values = {
        "channel": OpinionChannel.INDIVIDUAL_TALK,
        "received_on": timezone.localdate(),
        "target": "person" if target_member else "team",
        "target_member": target_member,
        "content": content,
    }
    values.update(kwargs)
    return Opinion.objects.create(meeting=meeting, **values)


def make_sitting(meeting, kind=SittingKind.GENERAL, *, status=SittingStatus.OPEN, order=None, date=None):
    from meetings.models import Sitting

    order = order or (1 if kind == SittingKind.COMMITTEE or not meeting.organization.has_committee else 2)
    return Sitting.objects.create(meeting=meeting, kind=kind, order=order, status=status, date=date or timezone.localdate())


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)
