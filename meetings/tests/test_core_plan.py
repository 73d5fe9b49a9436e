import datetime

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditEntry
from core.errors import ConcurrentEditError, DomainError
from meetings import lifecycle
from meetings.choices import PlanStatus, Stage
from meetings.models import PlanVersion, StageChange
from meetings.services import plan as plans
from meetings.services.meeting import create_meeting

CONTENT = {
    "scheduled_date": datetime.date(2026, 12, 20),
    "place": "党群服务中心",
    "participants": "全体党员",
    "requirements": "认真准备",
}


@pytest.fixture
def meeting(world):
    return create_meeting(world.b1, kind="org_life", year=2026, half="year_end", actor=world.secretary)


def _submitted(meeting, world):
    plan = plans.save_plan(meeting.plan, CONTENT, actor=world.secretary, version=meeting.plan.version)
    plans.submit_plan(plan, actor=world.secretary)
    return plan


def test_OL_2_1_a_secretary_drafts_half_finished_plan(meeting, world):
    plan = plans.save_plan(meeting.plan, {"place": "会议室"}, actor=world.secretary, version=1)
    assert plan.version == 2 and plan.place == "会议室" and plan.status == PlanStatus.DRAFT


def test_OL_2_1_b_incomplete_plan_cannot_be_submitted(meeting, world):
    plan = plans.save_plan(meeting.plan, {"requirements": ""}, actor=world.secretary, version=1)
    with pytest.raises(lifecycle.GateError) as exc:
        plans.submit_plan(plan, actor=world.secretary)
    assert {f.rule_id for f in exc.value.findings} == {"OL-2.1.b"}
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT and not PlanVersion.objects.exists()


def test_OL_2_1_c_submit_approve_opens_preparation(meeting, world):
    plan = _submitted(meeting, world)
    assert plan.status == PlanStatus.SUBMITTED
    assert PlanVersion.objects.get(plan=plan).content["place"] == "党群服务中心"
    with pytest.raises(DomainError):
        lifecycle.require_stage(meeting, Stage.PREPARING, action="学习")
    plans.approve_plan(plan, actor=world.reviewer, comment="同意")
    meeting.refresh_from_db()
    assert meeting.stage == Stage.PREPARING and meeting.scheduled_date == datetime.date(2026, 12, 20)
    assert StageChange.objects.get(meeting=meeting).to_stage == Stage.PREPARING
    v = PlanVersion.objects.get(plan=plan)
    assert (v.decision, v.decided_by, v.comment) == ("approved", world.reviewer, "同意")
    assert AuditEntry.objects.filter(action="plan.approved").exists()


def test_OL_2_1_c_return_needs_reasons_and_new_version_on_resubmit(meeting, world):
    plan = _submitted(meeting, world)
    with pytest.raises(DomainError) as exc:
        plans.return_plan(plan, actor=world.reviewer, comment="  ")
    assert "理由" in exc.value.message
    plans.return_plan(plan, actor=world.reviewer, comment="参加人员写具体")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.RETURNED
    plan = plans.save_plan(plan, {"participants": "全体党员23名"}, actor=world.secretary, version=plan.version)
    plans.submit_plan(plan, actor=world.secretary)
    assert list(PlanVersion.objects.filter(plan=plan).values_list("number", "decision")) == [(1, "returned"), (2, "")]


def test_OL_2_1_c_nobody_approves_their_own_plan(meeting, world):
    """A reviewer who also sits in the branch (or submitted it) may not approve it."""
    from accounts.choices import Role
    from accounts.models import RoleAssignment

    RoleAssignment.objects.create(user=world.secretary, role=Role.REVIEWER, organization=world.p1)
    world.secretary._grants_cache = None
    del world.secretary._grants_cache
    plan = _submitted(meeting, world)
    with pytest.raises(DomainError) as exc:
        plans.approve_plan(plan, actor=world.secretary)
    assert "不能审核自己" in exc.value.message
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED


def test_OL_2_1_c_secretary_and_sibling_reviewer_cannot_approve(meeting, world):
    plan = _submitted(meeting, world)
    with pytest.raises(PermissionDenied):
        plans.approve_plan(plan, actor=world.secretary)
    with pytest.raises(PermissionDenied):
        plans.approve_plan(plan, actor=world.reviewer2)


def test_approved_plan_is_read_only(meeting, world):
    plan = _submitted(meeting, world)
    plans.approve_plan(plan, actor=world.reviewer)
    with pytest.raises(DomainError) as exc:
        plans.save_plan(plan, {"place": "别处"}, actor=world.secretary, version=plan.version)
    assert "不能再修改" in exc.value.message
    plan.refresh_from_db()
    assert plan.place == "党群服务中心"
    with pytest.raises(DomainError):
        plans.approve_plan(plan, actor=world.reviewer)


def test_submitted_plan_cannot_be_edited(meeting, world):
    plan = _submitted(meeting, world)
    with pytest.raises(DomainError):
        plans.save_plan(plan, {"place": "别处"}, actor=world.secretary, version=plan.version)


def test_stale_version_changes_nothing(meeting, world):
    plans.save_plan(meeting.plan, {"place": "甲"}, actor=world.secretary, version=1)
    with pytest.raises(ConcurrentEditError) as exc:
        plans.save_plan(meeting.plan.__class__.objects.get(pk=meeting.plan.pk), {"place": "乙"}, actor=world.secretary, version=1)
    assert "他人修改" in exc.value.message or "已被" in exc.value.message
    meeting.plan.refresh_from_db()
    assert meeting.plan.place == "甲"


def test_member_cannot_edit_plan(meeting, world):
    with pytest.raises(PermissionDenied):
        plans.save_plan(meeting.plan, {"place": "x"}, actor=world.member, version=1)
