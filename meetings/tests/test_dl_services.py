"""民主生活会 services, one test per DL clause (named with its ID). GAP proposals are marked."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from core.errors import DomainError
from meetings.choices import CriticismKind, DLSlot, FeedbackKind, PlanStatus, SittingStatus, Stage
from meetings.models import Feedback, Meeting, PlanFiling
from meetings.services import dl
from tests.factories import make_leading_team

from .factories_dl import PNG, THEME, _run_round, _say, decide_and_file, make_dl_meeting, make_team, ready_sitting, run_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _preparation_gates_off(monkeypatch):
    """These tests jump to READY without the preparation records (notice, study, materials…);
    the stage moves' rulebook gates are ol-core's and tested there (and end to end in
    test_dl_journey). The DL rules themselves are checked through `dl.filing_findings` and
    `engine.check` below."""
    from meetings import lifecycle

    monkeypatch.setattr(lifecycle, "findings", lambda *a, **k: [])


# -- topic ---------------------------------------------------------------------------------
def test_DL_0_3_topic_reaches_every_team_and_only_committees_may_hold_it(world):
    team, _ = make_team(world)
    branch_team, _ = make_leading_team(world.b3, size=2)  # a branch does not hold 民主生活会
    campaign = dl.publish_topic(
        world.district, actor=world.inspector, year=2027, theme=THEME, window_start=datetime.date(2027, 11, 1), window_end=datetime.date(2027, 12, 31)
    )
    from meetings import snapshot
    from rulebook import engine

    meeting = campaign.meetings.get(leading_team=team)
    # The launch skips the branch's team (it would be blocked for ever); one made by hand is blocked.
    assert not campaign.meetings.filter(leading_team=branch_team).exists()
    branch_meeting = dl._create_meeting(world.b3, actor=world.inspector, year=2027, leading_team=branch_team)
    assert "DL-0.3" not in {f.rule_id for f in engine.check(snapshot.build(meeting), dl.rulebook_of(meeting))}
    blocked = {f.rule_id: f for f in engine.check(snapshot.build(branch_meeting), dl.rulebook_of(branch_meeting))}
    assert blocked["DL-0.3"].severity == "blocker" and not blocked["DL-0.3"].overridable
    assert meeting.kind == "democratic_life" and meeting.theme == THEME and meeting.plan.theme == THEME
    assert "①" in meeting.plan.agenda and "⑦" in meeting.plan.agenda


def test_DL_1_2_b_only_the_inspectors_set_topic_and_window(world):
    make_team(world)
    for user in (world.reviewer, world.operator):
        with pytest.raises(PermissionDenied):
            dl.publish_topic(
                world.district if user == world.operator else world.p1,
                actor=user,
                year=2027,
                theme=THEME,
                window_start=datetime.date(2027, 11, 1),
                window_end=datetime.date(2027, 12, 31),
            )
    with pytest.raises(DomainError):
        dl.publish_topic(
            world.district, actor=world.inspector_org, year=2027, theme=THEME, window_start=datetime.date(2027, 12, 1), window_end=datetime.date(2027, 11, 1)
        )


def test_DL_1_2_a_one_regular_meeting_per_team_and_year(world):
    team, _ = make_team(world)
    args = dict(year=2027, theme=THEME, window_start=datetime.date(2027, 11, 1), window_end=datetime.date(2027, 12, 31))
    dl.publish_topic(world.district, actor=world.inspector, **args)
    dl.publish_topic(world.district, actor=world.inspector_org, **args)
    assert Meeting.objects.filter(leading_team=team, year=2027, special=False).count() == 1


def test_DL_1_2_c_special_meeting_can_be_added_any_time(world):
    ctx = make_dl_meeting(world)
    special = dl.add_special_meeting(ctx.team, actor=ctx.main.user, year=ctx.meeting.year, theme="巡察整改专题")
    assert special.special and special.leading_team == ctx.team and special.theme == "巡察整改专题"
    with pytest.raises(PermissionDenied):
        dl.add_special_meeting(ctx.team, actor=ctx.leaders[1].user, year=ctx.meeting.year, theme="x")


# -- plan ----------------------------------------------------------------------------------
def test_DL_2_1_a_theme_follows_the_deployment_unless_an_inspector_agrees(world):
    ctx = make_dl_meeting(world)
    plan = ctx.meeting.plan
    dl.save_dl_plan(plan, {"theme": "自拟主题"}, actor=ctx.main.user, version=plan.version)
    with pytest.raises(DomainError, match="DL-2.1.a"):
        dl.decide_plan(ctx.meeting.plan, actor=ctx.main.user, mode="main_leader")
    with pytest.raises(PermissionDenied):
        dl.override(ctx.meeting, "DL-2.1.a", "同意", actor=world.reviewer)
    dl.override(ctx.meeting, "DL-2.1.a", "经纪委同意，结合巡察整改调整主题", actor=world.inspector)
    assert dl.decide_plan(ctx.meeting.plan, actor=ctx.main.user, mode="main_leader").status == PlanStatus.APPROVED


def test_DL_2_1_b_plan_explains_how_the_theme_was_chosen(world):
    ctx = make_dl_meeting(world)
    plan = ctx.meeting.plan
    dl.save_dl_plan(plan, {"theme_rationale": ""}, actor=ctx.main.user, version=plan.version)
    with pytest.raises(DomainError, match="主题确定依据"):
        dl.decide_plan(ctx.meeting.plan, actor=ctx.main.user, mode="main_leader")


def test_DL_2_2_a_plan_has_theme_agenda_participants_time_and_place(world):
    ctx = make_dl_meeting(world)
    plan = ctx.meeting.plan
    dl.save_dl_plan(plan, {"place": "", "participants": ""}, actor=ctx.main.user, version=plan.version)
    with pytest.raises(DomainError) as exc:
        dl.decide_plan(ctx.meeting.plan, actor=ctx.main.user, mode="main_leader")
    assert "参加人员" in exc.value.message and "地点" in exc.value.message


def test_DL_2_2_b_decided_by_the_main_leader_or_a_recorded_team_meeting(world):
    ctx = make_dl_meeting(world)
    with pytest.raises(PermissionDenied):  # another leader cannot sign off
        dl.decide_plan(ctx.meeting.plan, actor=ctx.leaders[1].user, mode="main_leader")
    with pytest.raises(DomainError, match="会议讨论记录"):
        dl.decide_plan(ctx.meeting.plan, actor=ctx.main.user, mode="collective")
    plan = dl.decide_plan(ctx.meeting.plan, actor=ctx.main.user, mode="collective", minutes_name="记录.png", minutes_data=PNG)
    assert plan.approval_mode == "collective" and plan.decision_minutes.name.startswith("plans/")
    ctx.meeting.refresh_from_db()
    assert ctx.meeting.stage == Stage.PREPARING


def test_DL_2_2_c_filed_with_both_the_discipline_commission_and_organization_department(world):
    ctx = decide_and_file(make_dl_meeting(world))
    filings = PlanFiling.objects.filter(plan=ctx.meeting.plan)
    assert set(filings.values_list("office", flat=True)) == {"discipline", "organization_dept"}
    assert {f.recipient_organization for f in filings} == {world.district}
    assert ctx.meeting.plan.status == PlanStatus.FILED


def test_DL_2_2_c_plan_must_be_decided_before_filing(world):
    ctx = make_dl_meeting(world)
    with pytest.raises(DomainError, match="DL-2.2.b"):
        dl.file_plan(ctx.meeting.plan, actor=ctx.main.user)


@pytest.mark.parametrize("rulebook", ["district-2024", "national-baseline"])
@pytest.mark.parametrize(("days_before", "late"), [(16, False), (15, False), (14, True)])
def test_DL_2_2_c_filing_15_days_before_else_blocker(world, rulebook, days_before, late):
    ctx = decide_and_file(make_dl_meeting(world, rulebook=rulebook), days_before=days_before)
    state = dl.filing_state(ctx.meeting)
    assert state["late"] is late and state["blocked"] is late
    found = {f.rule_id: f for f in dl.filing_findings(ctx.meeting)}
    if late:
        f = found["DL-2.2.c.late"]
        assert f.severity == "blocker" and f.gates == "ready" and f.override_roles == ("inspector",)
    else:
        assert "DL-2.2.c.late" not in found


def test_DL_2_2_c_late_filing_blocks_the_meeting_until_an_inspector_overrides(world):
    ctx = decide_and_file(make_dl_meeting(world), days_before=14)
    Meeting.objects.filter(pk=ctx.meeting.pk).update(stage=Stage.READY)
    ctx.meeting.refresh_from_db()
    with pytest.raises(DomainError, match="DL-2.2.c"):
        dl.open_sitting(ctx.meeting, actor=ctx.main.user)
    with pytest.raises(PermissionDenied):  # a reviewer may override other gates, not this one
        dl.override(ctx.meeting, dl.LATE_FILING_RULE, "理由", actor=world.reviewer)
    with pytest.raises(DomainError, match="理由"):
        dl.override(ctx.meeting, dl.LATE_FILING_RULE, " ", actor=world.inspector)
    dl.override(ctx.meeting, dl.LATE_FILING_RULE, "因上级会议调整日期，同意召开", actor=world.inspector)
    assert dl.filing_findings(ctx.meeting)[0].overridden if dl.filing_findings(ctx.meeting) else True
    assert dl.open_sitting(ctx.meeting, actor=ctx.main.user).status == SittingStatus.OPEN


def test_DL_2_2_c_each_office_receives_its_own_filing(world):
    ctx = decide_and_file(make_dl_meeting(world))
    discipline, org_dept = ctx.meeting.plan.filings.get(office="discipline"), ctx.meeting.plan.filings.get(office="organization_dept")
    with pytest.raises(PermissionDenied):
        dl.receive_plan_filing(org_dept, actor=world.inspector)
    assert dl.receive_plan_filing(discipline, actor=world.inspector, comment="已阅").received_by == world.inspector
    assert dl.receive_plan_filing(org_dept, actor=world.inspector_org).received_at is not None
    with pytest.raises(DomainError):
        dl.receive_plan_filing(discipline, actor=world.inspector)


# -- public notice ---------------------------------------------------------------------------
def _notice(ctx, **extra):
    data = {
        "meeting_time_text": "2026年12月20日上午9时",
        "body": f"主题：{ctx.meeting.theme}",
        "opinion_channels": "意见箱；电话 12345",
        "form": "书面通知、公示栏",
        "scope": "街道机关干部职工和辖区群众",
        "is_public": True,
        **extra,
    }
    return dl.save_notice(ctx.meeting, actor=ctx.main.user, data=data)


def test_DL_2_3_b_notice_states_time_theme_and_opinion_channels(world):
    ctx = decide_and_file(make_dl_meeting(world))
    notice = _notice(ctx, opinion_channels="", body="开会")
    with pytest.raises(DomainError) as exc:
        dl.publish_notice(notice, actor=ctx.main.user)
    assert "征求意见方式" in exc.value.message
    notice = _notice(ctx, body="开会")
    with pytest.raises(DomainError, match="主题"):
        dl.publish_notice(notice, actor=ctx.main.user)


def test_DL_2_3_c_notice_records_form_and_scope_and_publication_time(world):
    ctx = decide_and_file(make_dl_meeting(world))
    with pytest.raises(DomainError, match="公布范围"):
        dl.publish_notice(_notice(ctx, scope=""), actor=ctx.main.user)
    notice = dl.publish_notice(_notice(ctx), actor=ctx.main.user)
    assert notice.published_at and notice.published_by == ctx.main.user and notice.scope and notice.form
    with pytest.raises(DomainError):
        _notice(ctx)  # published: no more edits


def test_DL_2_3_a_notice_15_days_before(world):
    ctx = decide_and_file(make_dl_meeting(world))
    assert dl.latest_notice_date(ctx.meeting) == ctx.date - datetime.timedelta(days=15)


def test_DL_2_0_notice_waits_for_the_plan(world):
    ctx = make_dl_meeting(world)
    with pytest.raises(DomainError, match="阶段"):
        _notice(ctx)


# -- the meeting ------------------------------------------------------------------------------
def test_DL_3_2_agenda_is_the_fixed_slots_with_a_round_per_other_leader_in_team_order(world):
    ctx = make_dl_meeting(world)
    sitting, _ = ready_sitting(world, ctx)
    items = list(sitting.agenda.order_by("order"))
    assert [i.slot for i in items] == [1, 2, 3, 4, 5, 5, 5, 6, 7]
    assert items[3].subject == ctx.main
    assert [i.subject for i in items if i.slot == 5] == ctx.leaders[1:]
    assert sitting.host == ctx.main  # P-DL-3.1.a (GAP proposal): chaired by the main leader


def test_DL_1_3_no_other_agenda_item_is_accepted(world):
    ctx = make_dl_meeting(world)
    sitting, _ = ready_sitting(world, ctx)
    with pytest.raises(DomainError, match="不得与其他会议、其他议题合并进行"):
        dl.add_agenda_item(sitting, actor=ctx.main.user, title="研究年度预算")
    assert sitting.agenda.filter(slot__isnull=True).count() == 0


def test_DL_3_2_agenda_cannot_be_recorded_out_of_order(world):
    ctx = make_dl_meeting(world)
    sitting, _ = ready_sitting(world, ctx)
    fifth = sitting.agenda.filter(slot=DLSlot.MEMBER_ROUNDS).first()
    with pytest.raises(DomainError, match="议程须按顺序进行：当前应进行“①"):
        _say(sitting, ctx, fifth.subject, CriticismKind.SELF, item=fifth)
    with pytest.raises(DomainError, match="请填写本议程的记录"):
        dl.complete_item(dl.current_item(sitting), actor=ctx.main.user, notes="")


def test_DL_3_2_b_slot_two_prefilled_from_last_meetings_items_and_the_opinions(world):
    from rectification.tests.factories import make_item, make_meeting

    ctx = make_dl_meeting(world)
    previous = make_meeting(world.p1, kind="democratic_life", held_on=ctx.date - datetime.timedelta(days=365), leading_team=ctx.team)
    make_item(previous)
    sitting, _ = ready_sitting(world, ctx)
    second = sitting.agenda.get(slot=DLSlot.LAST_RECTIFICATION)
    assert "整改措施1项" in second.notes and "征求到意见建议0条" in second.notes


def test_DL_3_2_c_team_examination_by_the_main_leader_before_comments(world):
    ctx = make_dl_meeting(world)
    sitting, _ = ready_sitting(world, ctx)
    dl.complete_item(dl.current_item(sitting), actor=ctx.main.user, notes="说明")
    dl.complete_item(dl.current_item(sitting), actor=ctx.main.user)
    with pytest.raises(DomainError, match="代表班子进行对照检查"):
        _say(sitting, ctx, ctx.leaders[1], CriticismKind.MUTUAL)
    with pytest.raises(DomainError, match="主要负责人代表班子"):
        _say(sitting, ctx, ctx.leaders[1], CriticismKind.REPORT)
    _say(sitting, ctx, ctx.main, CriticismKind.REPORT)
    with pytest.raises(DomainError, match="还有同志没有发言"):
        dl.complete_item(dl.current_item(sitting), actor=ctx.main.user)


def _to_round(sitting, ctx, present=None):
    present = present or ctx.leaders
    dl.complete_item(dl.current_item(sitting), actor=ctx.main.user, notes="说明")
    dl.complete_item(dl.current_item(sitting), actor=ctx.main.user)
    _say(sitting, ctx, ctx.main, CriticismKind.REPORT)
    for m in present[1:]:
        _say(sitting, ctx, m, CriticismKind.MUTUAL)
    dl.complete_item(dl.current_item(sitting), actor=ctx.main.user)


def test_DL_3_2_d_and_DL_3_3_c_main_leader_first_then_the_others(world):
    ctx = make_dl_meeting(world)
    sitting, _ = ready_sitting(world, ctx)
    _to_round(sitting, ctx)
    assert dl.current_item(sitting).subject == ctx.main
    with pytest.raises(DomainError, match="自我批评须由本人进行"):
        _say(sitting, ctx, ctx.leaders[1], CriticismKind.SELF)


def test_DL_3_3_e_every_other_leader_criticises_in_turn(world):
    ctx = make_dl_meeting(world)
    sitting, _ = ready_sitting(world, ctx)
    _to_round(sitting, ctx)
    with pytest.raises(DomainError, match="请先由"):
        _say(sitting, ctx, ctx.leaders[1], CriticismKind.MUTUAL)
    _say(sitting, ctx, ctx.main, CriticismKind.SELF)
    with pytest.raises(DomainError, match=f"现在应由{ctx.leaders[1].name}同志对{ctx.main.name}同志提出批评"):
        _say(sitting, ctx, ctx.leaders[2], CriticismKind.MUTUAL)
    _say(sitting, ctx, ctx.leaders[1], CriticismKind.MUTUAL)
    _say(sitting, ctx, ctx.leaders[2], CriticismKind.MUTUAL)


def test_DL_3_3_f_the_subject_responds_last_and_that_closes_the_round(world):
    ctx = make_dl_meeting(world)
    sitting, _ = ready_sitting(world, ctx)
    _to_round(sitting, ctx)
    _say(sitting, ctx, ctx.main, CriticismKind.SELF)
    _say(sitting, ctx, ctx.leaders[1], CriticismKind.MUTUAL)
    with pytest.raises(DomainError, match="回应表态须在其他同志逐一批评之后"):
        _say(sitting, ctx, ctx.main, CriticismKind.RESPONSE)
    for m in ctx.leaders[2:]:
        _say(sitting, ctx, m, CriticismKind.MUTUAL)
    round_item = dl.current_item(sitting)
    _say(sitting, ctx, ctx.main, CriticismKind.RESPONSE)
    round_item.refresh_from_db()
    assert round_item.completed_at is not None
    assert dl.current_item(sitting).subject == ctx.leaders[1]
    with pytest.raises(DomainError, match="已经完成"):
        _say(sitting, ctx, ctx.leaders[1], CriticismKind.MUTUAL, item=round_item)


def test_DL_1_4_a_b_observers_with_category_may_criticise(world):
    ctx = make_dl_meeting(world)
    sitting, (deputy, retiree) = ready_sitting(world, ctx, observers=[("王代表", "deputy"), ("李老", "retiree")])
    with pytest.raises(DomainError, match="类别"):
        dl.add_observer(sitting, actor=ctx.main.user, name="某人", category="friend")
    _to_round(sitting, ctx)
    with pytest.raises(DomainError, match="对照检查之后"):
        _say(sitting, ctx, None, CriticismKind.MUTUAL, observer=deputy)
    _say(sitting, ctx, ctx.main, CriticismKind.SELF)
    entry = _say(sitting, ctx, None, CriticismKind.MUTUAL, "建议多到社区听取意见。", observer=deputy)
    assert entry.speaker_observer == deputy and entry.target == ctx.main
    with pytest.raises(DomainError, match="不作自我批评"):
        _say(sitting, ctx, None, CriticismKind.SELF, observer=retiree)


def test_DL_3_3_i_absent_leader_outline_read_by_a_named_proxy(world):
    ctx = make_dl_meeting(world)
    absent, proxy = ctx.leaders[2], ctx.leaders[1]
    sitting, _ = ready_sitting(world, ctx)
    with pytest.raises(DomainError, match="代为宣读"):
        dl.set_attendance(sitting, absent, actor=ctx.main.user, mode="absent", absence_reason="出差")
    with pytest.raises(DomainError, match="缺席原因"):
        dl.set_attendance(sitting, absent, actor=ctx.main.user, mode="absent", proxy=proxy)
    with pytest.raises(DomainError, match="主要负责人"):
        dl.set_attendance(sitting, ctx.main, actor=ctx.main.user, mode="absent", absence_reason="x", proxy=proxy)
    dl.set_attendance(sitting, absent, actor=ctx.main.user, mode="absent", absence_reason="外出学习", proxy=proxy)
    present = [m for m in ctx.leaders if m != absent]
    _to_round(sitting, ctx, present)
    for subject in ctx.leaders:
        if subject == absent:
            entry = _say(sitting, ctx, absent, CriticismKind.SELF, "发言提纲")
            assert f"由{proxy.name}同志代为宣读" in entry.content
            for critic in present:
                _say(sitting, ctx, critic, CriticismKind.MUTUAL, f"{critic.name}对缺席同志的批评")
            with pytest.raises(DomainError, match="会后转达"):
                _say(sitting, ctx, absent, CriticismKind.RESPONSE)
            dl.complete_item(dl.current_item(sitting), actor=ctx.main.user)
        elif subject == ctx.main:
            _say(sitting, ctx, subject, CriticismKind.SELF)
            with pytest.raises(DomainError, match="缺席本次会议"):
                _say(sitting, ctx, absent, CriticismKind.MUTUAL)
            for critic in present[1:]:
                _say(sitting, ctx, critic, CriticismKind.MUTUAL)
            _say(sitting, ctx, subject, CriticismKind.RESPONSE)
        else:
            _run_round(sitting, ctx, subject, present)


def test_DL_3_3_j_criticism_relayed_to_the_absentee_after_the_meeting(world):
    ctx = make_dl_meeting(world)
    absent, proxy = ctx.leaders[2], ctx.leaders[1]
    sitting, _ = ready_sitting(world, ctx, absent=absent, proxy=proxy)
    run_meeting(world, sitting, ctx, present=[m for m in ctx.leaders if m != absent])
    dl.close_sitting(sitting, actor=ctx.main.user)
    task = Feedback.objects.get(meeting=ctx.meeting, kind=FeedbackKind.ABSENT_CRITICISM)
    assert task.recipient == absent and task.due_on == ctx.date + datetime.timedelta(days=7)
    assert ctx.main.name in task.content and task.delivered_on is None
    with pytest.raises(DomainError, match="早于会议日期"):
        dl.record_relay(task, actor=ctx.main.user, delivered_on=ctx.date - datetime.timedelta(days=1), mode="in_person")
    dl.record_relay(task, actor=ctx.main.user, delivered_on=ctx.date + datetime.timedelta(days=2), mode="in_person")
    task.refresh_from_db()
    assert task.delivered_on and task.delivered_by == ctx.main.user


def test_DL_3_2_f_and_DL_3_4_a_commentary_after_the_rounds_on_three_aspects(world):
    ctx = make_dl_meeting(world)
    sitting, _ = ready_sitting(world, ctx)
    with pytest.raises(DomainError, match="DL-3.2.f"):
        dl.record_commentary(sitting, actor=world.inspector, on_preparation="a", on_criticism="b", on_effect="c", guidance=[])
    with pytest.raises(DomainError, match="会议效果"):
        dl.record_commentary(sitting, actor=world.inspector, on_preparation="a", on_criticism="b", on_effect="", guidance=[])
    with pytest.raises(PermissionDenied):
        dl.record_commentary(sitting, actor=ctx.main.user, on_preparation="a", on_criticism="b", on_effect="c", guidance=[])


def test_DL_3_2_g_and_DL_3_4_c_summary_last_by_the_main_leader_then_held(world):
    ctx = make_dl_meeting(world)
    sitting, _ = ready_sitting(world, ctx)
    with pytest.raises(DomainError, match="最后一项议程"):
        dl.record_closing(sitting, actor=ctx.main.user, shortcomings="a", rectification_opinions="b", commitment="c")
    with pytest.raises(DomainError, match="议程尚未全部完成"):
        dl.close_sitting(sitting, actor=ctx.main.user)
    run_meeting(world, sitting, ctx)
    assert ctx.meeting.closing.author == ctx.main
    dl.close_sitting(sitting, actor=ctx.main.user)
    ctx.meeting.refresh_from_db()
    assert ctx.meeting.stage == Stage.HELD
    with pytest.raises(DomainError, match="已结束"):
        _say(sitting, ctx, ctx.main, CriticismKind.SELF, item=sitting.agenda.first())


# -- after ------------------------------------------------------------------------------------
def test_DL_4_1_a_b_team_and_personal_measures_go_into_the_ledger(world):
    from rectification.models import RectificationItem

    ctx = make_dl_meeting(world)
    sitting, _ = ready_sitting(world, ctx)
    with pytest.raises(DomainError, match="召开之后"):
        dl.add_measure(ctx.meeting, actor=ctx.main.user, measure=dl.Measure("问题", "", "措施", ctx.date))
    run_meeting(world, sitting, ctx)
    dl.close_sitting(sitting, actor=ctx.main.user)
    ctx.meeting.refresh_from_db()
    deadline = ctx.date + datetime.timedelta(days=60)
    with pytest.raises(DomainError, match="时限"):
        dl.add_measure(ctx.meeting, actor=ctx.main.user, measure=dl.Measure("问题", "", "措施", None))
    team_item = dl.add_measure(ctx.meeting, actor=ctx.main.user, measure=dl.Measure("调研不深", "形成调研报告", "每季度专题调研", deadline))
    personal = dl.add_measure(ctx.meeting, actor=ctx.main.user, measure=dl.Measure("联系群众少", "", "每月走访", deadline, owner=ctx.leaders[1]))
    assert team_item.problem.scope == "organization" and team_item.responsible_member == ctx.main and team_item.deadline == deadline
    assert personal.problem.scope == "personal" and personal.responsible_member == ctx.leaders[1]
    assert RectificationItem.objects.filter(meeting=ctx.meeting).exclude(status="draft").count() == 2


# -- the record against the rulebook's own sitting rules ------------------------------------------
SITTING_RULES = {
    "DL-1.3",
    "DL-3.2.a",
    "DL-3.2.b",
    "DL-3.2.c",
    "DL-3.2.d",
    "DL-3.2.e",
    "DL-3.2.f",
    "DL-3.2.g",
    "DL-3.3.c",
    "DL-3.3.d",
    "DL-3.3.e",
    "DL-3.3.f",
    "DL-3.3.i",
    "DL-3.4.a",
    "DL-3.4.c",
    "P-DL-3.1.a",
}


def _sitting_findings(meeting):
    from meetings import snapshot
    from rulebook import engine

    found = engine.check(snapshot.build(meeting), dl.rulebook_of(meeting))
    return {f.rule_id for f in found if f.rule_id.split(".")[0] in ("DL-1", "DL-3", "P-DL-3") or f.rule_id in SITTING_RULES} & SITTING_RULES


def test_DL_3_a_record_kept_in_order_satisfies_the_rulebooks_sitting_rules(world):
    ctx = make_dl_meeting(world)
    sitting, (deputy,) = ready_sitting(world, ctx, observers=[("王代表", "deputy")])
    run_meeting(world, sitting, ctx)
    dl.close_sitting(sitting, actor=ctx.main.user)
    ctx.meeting.refresh_from_db()
    assert _sitting_findings(ctx.meeting) == set()
    # the same check on a record tampered out of order (bypassing the services) does fire
    from meetings.models import Criticism

    response = Criticism.objects.get(sitting=sitting, kind=CriticismKind.RESPONSE, speaker=ctx.main)
    Criticism.objects.filter(pk=response.pk).update(seq=10_000)
    assert "DL-3.3.f" in _sitting_findings(ctx.meeting)


def test_GAP_P_DL_3_1_a_proposal_chair_is_the_main_leader_and_a_guide_is_recorded(world):
    """GAP-DL-3.1 (proposal P-DL-3.1.a, not in the source text): the main leader chairs; the
    guiding leader is the one who records the 点评."""
    ctx = make_dl_meeting(world)
    sitting, _ = ready_sitting(world, ctx)
    run_meeting(world, sitting, ctx)
    sitting.refresh_from_db()
    assert sitting.host == ctx.main and sitting.guide == world.inspector


def test_GAP_P_DL_3_2_a_proposal_slot_one_wording_marked_as_proposal():
    """GAP-DL-3.2: only the tail of agenda ① survives; its label is proposal P-DL-3.2.a."""
    from rulebook import engine

    assert DLSlot.OPENING.label.startswith("①主持人说明主题、议程")
    skipped = {h.clause_id: h for h in engine.load("district-2024").human_judgements}
    assert skipped["P-DL-3.2.a"].proposal


def test_GAP_DL_2_7_derived_rule_materials_exist_before_the_meeting(world):
    """GAP-DL-2.7 (derived rule DL-3.2.c.materials): the team's and every leader's material exist
    before READY, since agenda ③/④ cannot run without them."""
    from meetings import snapshot
    from rulebook import engine

    ctx = decide_and_file(make_dl_meeting(world))
    found = {f.rule_id: f for f in engine.check(snapshot.build(ctx.meeting), dl.rulebook_of(ctx.meeting))}
    assert found["DL-3.2.c.materials"].severity == "blocker" and found["DL-3.2.c.materials"].gates == "ready"
    assert len(found["DL-3.2.c.materials"].objects) == len(ctx.leaders) + 1


def test_DL_2_4_d_study_tally_per_leader(world, client):
    from decimal import Decimal

    from django.urls import reverse

    from meetings.models import StudyAttendance, StudySession

    ctx = decide_and_file(make_dl_meeting(world))
    before = ctx.date - datetime.timedelta(days=5)
    concentrated = StudySession.objects.create(meeting=ctx.meeting, form="concentrated", title="集中学习", date=before, hours=Decimal(6))
    own = StudySession.objects.create(meeting=ctx.meeting, form="self", title="自学", date=before, hours=Decimal(12))
    after = StudySession.objects.create(meeting=ctx.meeting, form="self", title="会后自学", date=ctx.date + datetime.timedelta(days=1), hours=Decimal(12))
    for m in ctx.leaders:
        StudyAttendance.objects.create(session=concentrated, member=m)
        StudyAttendance.objects.create(session=after, member=m)  # DL-2.4.e: after the meeting, not counted
    StudyAttendance.objects.create(session=own, member=ctx.main)
    client.force_login(ctx.main.user)
    rows = client.get(reverse("meetings:dl_study", args=[ctx.meeting.pk])).context["rows"]
    assert [(r["days"], r["concentrated_days"], r["short_total"], r["short_concentrated"]) for r in rows[:2]] == [
        (Decimal("3.0"), Decimal("1.0"), False, False),
        (Decimal("1.0"), Decimal("1.0"), True, False),
    ]
