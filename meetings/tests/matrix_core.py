"""Matrix cases of this part of the meetings app (see tests/matrix.py).

Expected allow-sets from the regulations' roles:
- the branch's people see their own meetings; the superiors (reviewer, 纪委/组织部, operator) their subtree;
- the secretary runs the meeting (plan, study); committee members help record attendance;
- only a reviewer of the superior approves a plan (OL-2.1.c) or lets a blocker pass; the
  纪委/组织部 may also override (DL-2.2.c) — every override with a written reason;
- campaigns are launched by the superiors (OL-1.2).
"""

import datetime

from meetings.choices import PlanStatus, Stage, StudyForm
from meetings.models import Reading, StudySession
from tests.matrix import ALL, PLACES, allow, case, expect

from .factories_core import FULL_PLAN, make_meeting

VIEW = allow(
    secretary={"b1"}, committee_member={"b1"}, member={"b1"}, outsider={"b2"}, reviewer={"b1", "b2", "p1"}, inspector=set(PLACES), operator=set(PLACES)
)
MANAGE = allow(secretary={"b1"}, outsider={"b2"})
RECORD = allow(secretary={"b1"}, committee_member={"b1"}, outsider={"b2"})
PARTICIPATE = allow(secretary={"b1"}, committee_member={"b1"}, member={"b1"}, outsider={"b2"})
LAUNCH = allow(reviewer={"b1", "b2", "p1"}, inspector=set(PLACES), operator=set(PLACES))
APPROVE = allow(reviewer={"b1", "b2"})
OVERRIDE = allow(reviewer={"b1", "b2"}, inspector=set(PLACES))

expect("meeting.view", VIEW)
expect("meeting.manage", MANAGE)
expect("meeting.record", RECORD)
expect("meeting.participate", PARTICIPATE)
expect("campaign.launch", LAUNCH)
expect("plan.approve", APPROVE)
expect("gate.override", OVERRIDE)


def _holders(*personas):
    return {(p, place) for p, place in ALL if p in personas}


case("meetings:list", expected=_holders("secretary", "committee_member", "member", "outsider", "reviewer", "inspector", "operator"))(lambda w, o: {})
case("meetings:create", expected=_holders("secretary", "outsider"))(lambda w, o: {})
case("meetings:campaigns", expected=_holders("reviewer", "inspector", "operator"))(lambda w, o: {})
case("meetings:campaign_launch", expected=_holders("reviewer", "inspector", "operator"))(lambda w, o: {})


@case("meetings:campaign", expected=LAUNCH)
def _campaign(world, org):
    from meetings.models import Campaign

    c = Campaign.objects.create(
        organization=org,
        kind="org_life",
        half="year_end",
        year=2026,
        theme="主题",
        window_start=datetime.date(2026, 11, 1),
        window_end=datetime.date(2027, 1, 31),
        created_by=world.operator,
    )
    return {"pk": c.pk}


_counter = {"year": 2000}


def _meeting(org, **kw):
    # every call needs its own slot (one regular meeting per organization, kind, year and half)
    _counter["year"] += 1
    return make_meeting(org, year=_counter["year"], **kw)


@case("meetings:detail")
@case("meetings:plan")
@case("meetings:study")
def _view(world, org):
    return {"pk": _meeting(org, stage=Stage.PREPARING, **FULL_PLAN).pk}


@case("meetings:advance", method="POST")
def _advance(world, org):
    return {"pk": _meeting(org, stage=Stage.PREPARING, **FULL_PLAN).pk}


@case("meetings:override", method="POST", data=lambda w, kw: {"rule_id": "OL-2.1.c", "reason": "测试理由"})
def _override(world, org):
    return {"pk": _meeting(org).pk}


@case("meetings:plan_save", method="POST", data=lambda w, kw: {"place": "会议室", "version": 1, "action": "save"})
def _plan_save(world, org):
    return {"pk": _meeting(org).pk}


@case("meetings:plan_approve", method="POST")
@case("meetings:plan_return", method="POST", data=lambda w, kw: {"comment": "请补充"})
def _plan_decide(world, org):
    return {"pk": _meeting(org, plan_status=PlanStatus.SUBMITTED, **FULL_PLAN).pk}


@case("meetings:reading_add", method="POST", data=lambda w, kw: {"title": "党章"})
@case("meetings:session_add", method="POST", data=lambda w, kw: {"form": "self", "title": "自学", "date": "2026-12-01", "hours": "2"})
def _study_post(world, org):
    return {"pk": _meeting(org, stage=Stage.PREPARING, **FULL_PLAN).pk}


@case("meetings:reading_delete", method="POST")
def _reading(world, org):
    return {"pk": Reading.objects.create(meeting=_meeting(org, stage=Stage.PREPARING, **FULL_PLAN), title="党章").pk}


def _session(org):
    meeting = _meeting(org, stage=Stage.PREPARING, **FULL_PLAN)
    return StudySession.objects.create(meeting=meeting, form=StudyForm.SELF, title="自学", date=datetime.date(2026, 12, 1), hours=2)


@case("meetings:session_delete", method="POST")
@case("meetings:attendance_save", method="POST")
@case("meetings:self_study", method="POST")
def _session_post(world, org):
    return {"pk": _session(org).pk}
