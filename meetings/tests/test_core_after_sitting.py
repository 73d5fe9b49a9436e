"""Stage moves after the sitting: HELD → RECTIFYING → REPORTED → CLOSED."""

import datetime

import pytest
from django.urls import reverse

from core.errors import DomainError
from meetings import lifecycle
from meetings.choices import Stage
from meetings.models import GateOverride, Meeting, StageChange
from rectification import report_services, services
from rectification.choices import ItemStatus
from rectification.models import RectificationItem, ReportFiling
from rectification.tests.factories import make_item, make_meeting
from rectification.tests.test_reports import _complete

HELD_ON = datetime.date(2026, 7, 1)


def _clear_gates(meeting, stage, user):
    """A reviewer let every current blocker of `stage` pass (the tests here are about the moves)."""
    for f in lifecycle.blockers_for(meeting, stage):
        GateOverride.objects.get_or_create(meeting=meeting, rule_id=f.rule_id, defaults={"reason": "测试", "by": user, "role": "reviewer"})


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")


def test_OL_4_1_first_finalised_item_moves_held_to_rectifying(world, django_capture_on_commit_callbacks):
    meeting = make_meeting(world.b1, stage=Stage.HELD, held_on=HELD_ON)
    item = make_item(meeting, status=ItemStatus.DRAFT, deadline=datetime.date(2026, 12, 31), responsible_organization=world.b1)
    _clear_gates(meeting, Stage.RECTIFYING, world.reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        services.finalize_item(item, actor=world.secretary)
    meeting.refresh_from_db()
    assert meeting.stage == Stage.RECTIFYING
    change = StageChange.objects.get(meeting=meeting)
    assert change.by is None and change.to_stage == Stage.RECTIFYING


def test_held_stays_when_blockers_remain(world, django_capture_on_commit_callbacks):
    meeting = make_meeting(world.b1, stage=Stage.HELD, held_on=HELD_ON)
    item = make_item(meeting, status=ItemStatus.DRAFT, deadline=datetime.date(2026, 12, 31), responsible_organization=world.b1)
    assert lifecycle.blockers_for(meeting, Stage.RECTIFYING)  # e.g. no closing summary yet
    with django_capture_on_commit_callbacks(execute=True):
        services.finalize_item(item, actor=world.secretary)
    meeting.refresh_from_db()
    assert meeting.stage == Stage.HELD


def test_button_moves_held_to_rectifying_or_shows_blockers(world, client):
    meeting = make_meeting(world.b1, stage=Stage.HELD, held_on=HELD_ON)
    client.force_login(world.secretary)
    page = client.post(reverse("meetings:advance", args=[meeting.pk]), {"to": Stage.RECTIFYING}).content.decode()
    assert "暂不能进入“整改落实”阶段" in page and "finding-blocker" in page
    meeting.refresh_from_db()
    assert meeting.stage == Stage.HELD
    _clear_gates(meeting, Stage.RECTIFYING, world.reviewer)
    response = client.post(reverse("meetings:advance", args=[meeting.pk]), {"to": Stage.RECTIFYING})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.stage == Stage.RECTIFYING


def _reported(world):
    meeting = make_meeting(world.b1, stage=Stage.RECTIFYING, held_on=HELD_ON)
    make_item(meeting, deadline=datetime.date(2026, 12, 31))
    report = report_services.report_for(meeting)
    report = _complete(report, world.secretary)
    _clear_gates(meeting, Stage.CLOSED, world.reviewer)
    report_services.submit_report(report, actor=world.secretary)
    meeting.refresh_from_db()
    return meeting, report


def test_OL_4_2_submitting_the_report_moves_to_reported(world):
    meeting, _ = _reported(world)
    assert meeting.stage == Stage.REPORTED
    assert StageChange.objects.get(meeting=meeting, to_stage=Stage.REPORTED).by == world.secretary


def test_OL_4_3_c_closed_only_when_report_accepted_and_items_closed(world, django_capture_on_commit_callbacks):
    meeting, report = _reported(world)
    with pytest.raises(DomainError) as exc:
        lifecycle.advance(meeting, Stage.CLOSED, actor=world.secretary)
    assert "上报材料尚未被上级接收" in exc.value.message
    filing = ReportFiling.objects.get(report=report)
    with django_capture_on_commit_callbacks(execute=True):
        report_services.receive_filing(filing, actor=world.reviewer)
    meeting.refresh_from_db()
    assert meeting.stage == Stage.REPORTED  # an item is still open
    item = RectificationItem.objects.get(meeting=meeting)
    RectificationItem.objects.filter(pk=item.pk).update(status=ItemStatus.CLOSED)
    # The rulebook's own gate for CLOSED is now clear too; the next change closes the meeting.
    with django_capture_on_commit_callbacks(execute=True):
        from django.db import transaction

        from core import hooks

        with transaction.atomic():
            hooks.meeting_changed(meeting.pk)
    meeting.refresh_from_db()
    assert meeting.stage == Stage.CLOSED
    assert list(StageChange.objects.filter(meeting=meeting).values_list("to_stage", flat=True)) == [Stage.REPORTED, Stage.CLOSED]
    assert Meeting.objects.get(pk=meeting.pk).stage == Stage.CLOSED
