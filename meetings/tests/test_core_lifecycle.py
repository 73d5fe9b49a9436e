import datetime

import pytest

from core.errors import DomainError
from meetings import lifecycle, snapshot
from meetings.choices import PlanStatus, Stage
from meetings.models import GateOverride, StageChange
from meetings.services.meeting import create_meeting
from meetings.tests.factories_core import FULL_PLAN, make_meeting


def test_OL_2_1_c_require_stage_names_the_stage_before_approval(world):
    meeting = make_meeting(world.b1)
    with pytest.raises(DomainError) as exc:
        lifecycle.require_stage(meeting, Stage.PREPARING, action="征求意见")
    assert "制定方案" in exc.value.message and "OL-2.1.c" in exc.value.message


def test_require_stage_later_stage_message(world):
    meeting = make_meeting(world.b1, stage=Stage.HELD, **FULL_PLAN)
    with pytest.raises(DomainError) as exc:
        lifecycle.require_stage(meeting, Stage.PREPARING, Stage.READY, action="谈心谈话")
    assert "已召开" in exc.value.message
    lifecycle.require_stage(meeting, Stage.HELD)


def test_OL_2_1_c_advance_refused_while_plan_unapproved(world):
    meeting = make_meeting(world.b1, **FULL_PLAN)
    with pytest.raises(lifecycle.GateError) as exc:
        lifecycle.advance(meeting, Stage.PREPARING, actor=world.secretary)
    assert "OL-2.1.c" in {f.rule_id for f in exc.value.findings}
    meeting.refresh_from_db()
    assert meeting.stage == Stage.PLANNING
    assert not StageChange.objects.filter(meeting=meeting).exists()


def test_OL_2_1_c_override_lets_the_gate_pass(world):
    meeting = make_meeting(world.b1, **FULL_PLAN)
    lifecycle.override(meeting, "OL-2.1.c", "上级已口头同意，书面材料补报", actor=world.reviewer)
    lifecycle.advance(meeting, Stage.PREPARING, actor=world.secretary)
    meeting.refresh_from_db()
    assert meeting.stage == Stage.PREPARING
    change = StageChange.objects.get(meeting=meeting)
    assert (change.from_stage, change.to_stage, change.by) == (Stage.PLANNING, Stage.PREPARING, world.secretary)
    assert GateOverride.objects.get(meeting=meeting).reason.startswith("上级")


def test_override_needs_reason_permission_and_overridable_rule(world):
    meeting = make_meeting(world.b1)
    with pytest.raises(DomainError):
        lifecycle.override(meeting, "OL-2.1.c", "  ", actor=world.reviewer)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        lifecycle.override(meeting, "OL-2.1.c", "理由", actor=world.secretary)
    with pytest.raises(DomainError) as exc:
        lifecycle.override(meeting, "OL-1.3.a", "理由", actor=world.reviewer)
    assert "不允许豁免" in exc.value.message
    lifecycle.override(meeting, "OL-2.1.c", "理由", actor=world.reviewer)
    with pytest.raises(DomainError):
        lifecycle.override(meeting, "OL-2.1.c", "再来一次", actor=world.reviewer)
    assert GateOverride.objects.filter(meeting=meeting).count() == 1


def test_transition_not_allowed(world):
    meeting = make_meeting(world.b1, stage=Stage.PREPARING, **FULL_PLAN)
    with pytest.raises(DomainError) as exc:
        lifecycle.advance(meeting, Stage.HELD, actor=world.secretary)
    assert "不能转入" in exc.value.message


def test_OL_2_2_a_ready_blocked_by_preparation_rules(world):
    meeting = make_meeting(world.b1, stage=Stage.PREPARING, **FULL_PLAN)
    with pytest.raises(lifecycle.GateError) as exc:
        lifecycle.advance(meeting, Stage.READY, actor=world.secretary)
    assert "OL-2.2.a" in {f.rule_id for f in exc.value.findings}


def test_create_meeting_pins_current_rulebook_and_prefills_plan(world):
    from rulebook.models import RulebookChoice

    RulebookChoice.objects.create(organization=world.p1, slug="national-baseline")
    meeting = create_meeting(world.b1, kind="org_life", year=2026, half="year_end", actor=world.secretary)
    assert (meeting.rulebook_slug, meeting.rulebook_version) == ("national-baseline", "1")
    assert meeting.stage == Stage.PLANNING
    assert meeting.plan.status == PlanStatus.DRAFT
    assert "支委会" in meeting.plan.form  # B1 has a committee
    assert "1天" in meeting.plan.preparation
    other = create_meeting(world.b2, kind="org_life", year=2026, half="year_end", actor=world.outsider)
    assert other.rulebook_slug == "national-baseline"
    assert other.plan.form.startswith("召开党员大会")


def test_OL_1_3_a_create_refused_for_non_branch(world):
    with pytest.raises(DomainError) as exc:
        create_meeting(world.p1, kind="org_life", year=2026, half="year_end", actor=world.reviewer)
    assert "OL-1.3.a" in exc.value.message


def test_create_meeting_twice_refused(world):
    create_meeting(world.b1, kind="org_life", year=2026, half="year_end", actor=world.secretary)
    with pytest.raises(DomainError) as exc:
        create_meeting(world.b1, kind="org_life", year=2026, half="year_end", actor=world.secretary)
    assert "已经创建" in exc.value.message


def test_create_meeting_needs_permission(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        create_meeting(world.b1, kind="org_life", year=2026, half="year_end", actor=world.member)


def test_rectification_contributor_is_registered():
    from rectification.snapshot import contribute

    assert contribute in snapshot.CONTRIBUTORS.values()


def test_findings_use_the_pinned_rulebook(world):
    meeting = make_meeting(world.b1, **FULL_PLAN)
    meeting.rulebook_slug = "national-baseline"
    meeting.save(update_fields=["rulebook_slug"])
    assert lifecycle.rulebook_of(meeting).slug == "national-baseline"
    assert isinstance(lifecycle.findings(meeting, datetime.date(2026, 12, 1)), list)
