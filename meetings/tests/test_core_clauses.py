"""OL-1.* and OL-2.1/2.2 through the snapshot builder and the pinned rulebook, on both
rulebooks where they differ (district-2024 vs national-baseline)."""

import datetime
from decimal import Decimal

import pytest

from meetings import lifecycle
from meetings.choices import ParticipationMode, SittingKind, Stage, StudyForm
from meetings.models import Attendance, Reading, Sitting, StudyAttendance, StudySession
from meetings.tests.factories_core import FULL_PLAN, make_meeting
from tests.factories import make_member

BOOKS = ["district-2024", "national-baseline"]


def _pinned(meeting, slug):
    meeting.rulebook_slug = slug
    meeting.save(update_fields=["rulebook_slug"])
    return meeting


def _ids(meeting, today=datetime.date(2026, 11, 20)):
    return {f.rule_id: f for f in lifecycle.findings(meeting, today)}


@pytest.mark.parametrize(
    "slug,day,flagged",
    [
        ("district-2024", datetime.date(2026, 10, 15), True),  # window 11-01 … 01-31
        ("national-baseline", datetime.date(2026, 10, 15), False),  # window 10-01 … 12-31
        ("district-2024", datetime.date(2027, 1, 15), False),
        ("national-baseline", datetime.date(2027, 1, 15), True),
        ("district-2024", datetime.date(2026, 12, 20), False),
        ("national-baseline", datetime.date(2026, 12, 20), False),
    ],
)
def test_OL_1_2_a_year_end_window_per_rulebook(world, slug, day, flagged):
    meeting = _pinned(make_meeting(world.b1, **{**FULL_PLAN, "scheduled_date": day}), slug)
    found = _ids(meeting)
    assert ("OL-1.2.a" in found) is flagged
    if flagged:
        assert found["OL-1.2.a"].severity == "warning"


@pytest.mark.parametrize("slug,blocks", [("district-2024", True), ("national-baseline", False)])
def test_OL_1_2_b_year_end_combined_with_appraisal_per_rulebook(world, slug, blocks):
    meeting = _pinned(make_meeting(world.b1, stage=Stage.REPORTED, **FULL_PLAN), slug)
    found = _ids(meeting)
    assert ("OL-1.2.b" in found) is blocks
    if blocks:
        assert "OL-1.2.b" in {f.rule_id for f in lifecycle.blockers_for(meeting, Stage.CLOSED)}


def test_OL_1_2_b_mid_year_meeting_needs_no_appraisal(world):
    meeting = make_meeting(world.b1, stage=Stage.REPORTED, half="mid_year", **{**FULL_PLAN, "scheduled_date": datetime.date(2026, 7, 1)})
    assert "OL-1.2.b" not in _ids(meeting)


@pytest.mark.parametrize("slug", BOOKS)
def test_OL_1_3_a_only_branches_and_not_overridable(world, slug):
    meeting = _pinned(make_meeting(world.p1, **FULL_PLAN), slug)
    finding = _ids(meeting)["OL-1.3.a"]
    assert finding.severity == "blocker" and not finding.overridable
    from core.errors import DomainError

    with pytest.raises(DomainError):
        lifecycle.override(meeting, "OL-1.3.a", "理由", actor=world.inspector)


def _sitting_with(world, meeting, rows):
    sitting = Sitting.objects.create(meeting=meeting, kind=SittingKind.GENERAL, date=datetime.date(2026, 12, 20), status="closed")
    for member, mode, reason in rows:
        Attendance.objects.create(sitting=sitting, member=member, mode=mode, absence_reason=reason)
    return sitting


@pytest.mark.parametrize("slug", BOOKS)
def test_OL_1_3_b_every_member_attends(world, slug):
    meeting = _pinned(make_meeting(world.b1, stage=Stage.HELD, **FULL_PLAN), slug)
    _sitting_with(world, meeting, [(world.secretary_member, "in_person", ""), (world.committee_member_member, "absent", "住院")])
    finding = _ids(meeting)["OL-1.3.b"]
    assert set(finding.objects) == {(f"m{world.committee_member_member.pk}", "absent"), (f"m{world.member_member.pk}", "no_record")}


def test_OL_1_3_d_e_flexible_forms_for_elderly_and_mobile_members(world):
    elder = make_member(world.b1, is_elderly_or_infirm=True)
    mobile = make_member(world.b1, is_mobile=True, flow_direction="out")
    meeting = make_meeting(world.b1, stage=Stage.HELD, **FULL_PLAN)
    _sitting_with(
        world,
        meeting,
        [
            (world.secretary_member, "in_person", ""),
            (world.committee_member_member, "in_person", ""),
            (elder, ParticipationMode.HOME_VISIT, ""),
            (mobile, ParticipationMode.AT_FLOW_ORG, ""),
            (world.member_member, ParticipationMode.REMOTE, ""),  # neither elderly nor mobile
        ],
    )
    found = _ids(meeting)
    assert "OL-1.3.b" not in found  # flexible forms count as attending
    assert found["OL-1.3.d"].objects == (f"m{world.member_member.pk}",)
    assert "OL-1.3.e" not in found


@pytest.mark.parametrize("slug", BOOKS)
def test_OL_2_1_b_plan_needs_time_form_participants_requirements(world, slug):
    meeting = _pinned(make_meeting(world.b1, theme="x", scheduled_date=datetime.date(2026, 12, 20)), slug)
    finding = _ids(meeting)["OL-2.1.b"]
    assert set(finding.objects) == {"form", "participants", "requirements"}


@pytest.mark.parametrize("slug", BOOKS)
def test_OL_2_1_c_unapproved_plan_blocks_preparation(world, slug):
    meeting = _pinned(make_meeting(world.b1, **FULL_PLAN), slug)
    assert {f.rule_id for f in lifecycle.blockers_for(meeting, Stage.PREPARING)} == {"OL-2.1.c"}


@pytest.mark.parametrize("slug", BOOKS)
def test_OL_2_2_a_to_d_study_rules(world, slug):
    meeting = _pinned(make_meeting(world.b1, stage=Stage.PREPARING, **FULL_PLAN), slug)
    found = _ids(meeting)
    assert {"OL-2.2.a", "OL-2.2.c", "OL-2.2.d.total", "OL-2.2.d.concentrated", "OL-2.2.b"} <= set(found)
    Reading.objects.create(meeting=meeting, title="党章")
    lecture = StudySession.objects.create(meeting=meeting, form=StudyForm.PARTY_LECTURE, title="党课", date=datetime.date(2026, 12, 1), hours=Decimal("3"))
    own = StudySession.objects.create(meeting=meeting, form=StudyForm.SELF, title="自学", date=datetime.date(2026, 12, 2), hours=Decimal("3"))
    for m in (world.secretary_member, world.committee_member_member, world.member_member):
        StudyAttendance.objects.create(session=lecture, member=m)
        StudyAttendance.objects.create(session=own, member=m)
    found = _ids(meeting)
    assert not {"OL-2.2.a", "OL-2.2.b", "OL-2.2.c", "OL-2.2.d.total", "OL-2.2.d.concentrated"} & set(found)


def test_OL_2_2_e_study_after_the_meeting_does_not_count(world):
    meeting = make_meeting(world.b1, stage=Stage.PREPARING, **FULL_PLAN)
    StudySession.objects.create(meeting=meeting, form=StudyForm.PARTY_LECTURE, title="党课", date=datetime.date(2026, 12, 21), hours=Decimal("6"))
    found = _ids(meeting)
    assert "OL-2.2.e" in found and "OL-2.2.d.total" in found
