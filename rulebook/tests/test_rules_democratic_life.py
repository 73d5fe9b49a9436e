"""One test per 民主生活会 rule, named with its clause ID. Pure: no database.

Each test starts from `samples.democratic_life()` (main leader m100, then m101–m103 in plan
order; meeting on 20 Dec 2024), breaks one thing and expects that clause's rule to fire."""

from dataclasses import replace
from datetime import date, timedelta

from rulebook import engine
from rulebook.constants import TEAM
from rulebook.samples import DL_DAY
from rulebook.snapshot import (
    AgendaItemInfo,
    AttendanceInfo,
    CommentaryInfo,
    FeedbackInfo,
    ItemInfo,
    NoticeInfo,
    OpinionInfo,
    OrgInfo,
    PreviousMeetingInfo,
    StatementInfo,
    StudySessionInfo,
)

from .helpers import DISTRICT, NATIONAL, both, dl, fired, quiet, swap

T = DL_DAY
MAIN, A, B, C = "m100", "m101", "m102", "m103"


def _said(snap, keep):
    return tuple(s for s in snap.statements if keep(s))


def _renumber(statements):
    return tuple(replace(s, seq=i + 1) for i, s in enumerate(statements))


# -- DL-0/1 ------------------------------------------------------------------------------


@both
def test_DL_0_3_only_leading_teams_hold_a_democratic_life_meeting(rb):
    f = fired(dl(organization=OrgInfo(kind="branch", sector="other"), stage="planning"), "DL-0.3", rb)
    assert (f.severity, f.gates, f.overridable) == ("blocker", "preparing", False)
    quiet(dl(organization=OrgInfo(kind="party_group", sector="other"), stage="planning"), "DL-0.3", rb)


@both
def test_DL_1_2_b_date_outside_the_deployment_window_needs_an_inspector(rb):
    f = fired(dl(meeting_date=date(2025, 2, 20), sittings=(), stage="preparing"), "DL-1.2.b", rb)
    assert (f.severity, f.gates, f.override_roles) == ("blocker", "ready", ("inspector",))
    assert "2024年11月1日" in f.message


def test_DL_1_2_b_special_meetings_are_not_bound_to_the_window():
    """DL-1.2.c: special meetings may be held as needed, outside the annual window."""
    quiet(dl(meeting_date=date(2025, 2, 20), sittings=(), special=True, stage="preparing"), "DL-1.2.b")


def test_DL_1_3_overlapping_meeting_or_foreign_agenda_item():
    assert fired(dl(overlapping_meetings=1), "DL-1.3").objects == (("overlap", 1),)
    snap = dl()
    agenda = (*snap.agenda, AgendaItemInfo("democratic_life", 50, None))
    assert fired(replace(snap, agenda=agenda), "DL-1.3").objects == (("off_agenda", 50),)


# -- DL-2 会前准备 ---------------------------------------------------------------------------


def test_DL_2_0_opinion_received_after_the_meeting_is_not_preparation():
    snap = dl()
    ops = (*snap.opinions, OpinionInfo(19, TEAM, "online", T + timedelta(days=2), answered=True))
    f = fired(replace(snap, opinions=ops), "DL-2.0")
    assert f.objects == (("opinion", 19, T + timedelta(days=2)),) and f.severity == "info"


@both
def test_DL_2_1_a_theme_must_follow_the_deployment(rb):
    snap = dl(stage="planning")
    f = fired(replace(snap, plan=replace(snap.plan, theme="自拟主题")), "DL-2.1.a", rb)
    assert (f.severity, f.gates, f.override_roles) == ("blocker", "preparing", ("inspector",))
    assert "深入学习贯彻" in f.message
    quiet(replace(snap, plan=replace(snap.plan, theme="自拟主题"), deployment_theme=""), "DL-2.1.a", rb)


def test_DL_2_1_b_theme_rationale_required():
    snap = dl(stage="planning")
    assert fired(replace(snap, plan=replace(snap.plan, has_theme_rationale=False)), "DL-2.1.b").gates == "preparing"


def test_DL_2_2_a_plan_without_place():
    snap = dl(stage="planning")
    assert fired(replace(snap, plan=replace(snap.plan, has_place=False)), "DL-2.2.a").objects == ("place",)


@both
def test_DL_2_2_b_plan_decided_by_main_leader_or_meeting(rb):
    snap = dl(stage="planning")
    assert fired(replace(snap, plan=replace(snap.plan, status="draft")), "DL-2.2.b", rb).objects == ("not_decided",)
    assert fired(replace(snap, plan=replace(snap.plan, approval_mode="superior")), "DL-2.2.b", rb).objects == ("mode",)
    collective = replace(snap.plan, approval_mode="collective")
    assert fired(replace(snap, plan=collective), "DL-2.2.b", rb).objects == ("minutes",)
    quiet(replace(snap, plan=replace(collective, has_decision_minutes=True)), "DL-2.2.b", rb)


@both
def test_DL_2_2_c_plan_filed_with_both_offices_inspector_override_only(rb):
    snap = dl(stage="preparing")
    f = fired(replace(snap, plan=replace(snap.plan, filed_offices=frozenset({"discipline"}))), "DL-2.2.c", rb)
    assert (f.severity, f.gates, f.objects, f.override_roles) == ("blocker", "ready", ("organization_dept",), ("inspector",))


@both
def test_DL_2_2_c_late_filing_is_a_blocker_only_an_inspector_may_override(rb):
    snap = dl(stage="preparing")
    late = replace(snap, plan=replace(snap.plan, filed_on=T - timedelta(days=14)))
    f = fired(late, "DL-2.2.c.late", rb)
    assert (f.severity, f.gates, f.override_roles) == ("blocker", "ready", ("inspector",))
    assert "2024年12月5日" in f.message
    quiet(replace(snap, plan=replace(snap.plan, filed_on=T - timedelta(days=15))), "DL-2.2.c.late", rb)


def test_DL_2_2_c_exclusive_counting_is_one_day_stricter():
    snap = dl(stage="preparing")
    on_the_day = replace(snap, plan=replace(snap.plan, filed_on=T - timedelta(days=15)))
    fired(on_the_day, "DL-2.2.c.late", DISTRICT.with_params(date_counting="exclusive"))


def test_DL_2_2_c_meeting_moved_earlier_makes_the_filing_late():
    snap = dl(stage="preparing")
    moved = replace(snap, meeting_date=T - timedelta(days=6), sittings=())
    assert fired(moved, "DL-2.2.c.late").objects[0] == "late"


def test_DL_2_2_c_not_filed_and_deadline_passed():
    snap = dl(stage="preparing", today=T - timedelta(days=14), sittings=())
    assert fired(replace(snap, plan=replace(snap.plan, filed_on=None)), "DL-2.2.c.late").objects[0] == "missed"
    quiet(replace(snap, plan=replace(snap.plan, filed_on=None), today=T - timedelta(days=15)), "DL-2.2.c.late")


@both
def test_DL_2_3_a_public_notice_late_or_missing(rb):
    snap = dl(stage="preparing")
    notice = replace(snap.notices[0], published_on=T - timedelta(days=10))
    f = fired(replace(snap, notices=(notice,)), "DL-2.3.a", rb)
    assert (f.severity, f.gates, f.objects, f.override_roles) == ("blocker", "ready", ("late", T - timedelta(days=10)), ("reviewer",))
    assert fired(replace(snap, notices=()), "DL-2.3.a", rb).objects == ("missing",)


def test_DL_2_3_b_notice_without_opinion_channels():
    snap = dl(stage="preparing")
    assert fired(replace(snap, notices=(replace(snap.notices[0], has_channels=False),)), "DL-2.3.b").objects == ("channels",)


def test_DL_2_3_c_notice_without_scope():
    snap = dl(stage="preparing")
    f = fired(replace(snap, notices=(NoticeInfo("meeting_notice", T - timedelta(days=18), True, True, True, "书面通知", ""),)), "DL-2.3.c")
    assert f.objects == ("scope",) and f.severity == "warning"


def test_DL_2_4_a_reading_list_required():
    assert fired(dl(reading_count=0, stage="preparing"), "DL-2.4.a").severity == "blocker"


def test_DL_2_4_b_leader_without_study_record():
    snap = dl(stage="preparing")
    assert fired(replace(snap, study=tuple(t for t in snap.study if t.person != C)), "DL-2.4.b").objects == (C,)


def test_DL_2_4_c_self_study_missing():
    snap = dl(stage="preparing")
    sessions = tuple(s for s in snap.study_sessions if s.concentrated) + (StudySessionInfo(T - timedelta(days=13), 6, True),)
    assert fired(replace(snap, study_sessions=sessions), "DL-2.4.c").objects == ("self",)


@both
def test_DL_2_4_d_about_three_days_with_half_a_day_tolerance(rb):
    two = (StudySessionInfo(T - timedelta(days=16), 6, True), StudySessionInfo(T - timedelta(days=15), 6, False))
    f = fired(dl(study_sessions=two, stage="preparing"), "DL-2.4.d.total", rb)
    assert f.severity == "warning" and "2天" in f.message and "2.5天" in f.message
    two_and_half = (*two, StudySessionInfo(T - timedelta(days=14), 3, False))
    quiet(dl(study_sessions=two_and_half, stage="preparing"), "DL-2.4.d.total", rb)


def test_DL_2_4_d_concentrated_at_least_one_day():
    sessions = (StudySessionInfo(T - timedelta(days=16), 3, True), StudySessionInfo(T - timedelta(days=15), 15, False))
    f = fired(dl(study_sessions=sessions, stage="preparing"), "DL-2.4.d.concentrated")
    assert f.objects == (0.5,)


def test_DL_2_4_e_study_after_the_self_examination_is_info():
    snap = dl(stage="preparing")
    sessions = (*snap.study_sessions, StudySessionInfo(T - timedelta(days=2), 2, False))
    f = fired(replace(snap, study_sessions=sessions), "DL-2.4.e")
    assert f.objects == (("after_self_exam", T - timedelta(days=2)),) and f.severity == "info"


@both
def test_DL_2_5_a_opinion_summary_required_before_ready(rb):
    f = fired(dl(opinion_summary=None, stage="preparing"), "DL-2.5.a", rb)
    assert (f.severity, f.gates) == ("blocker", "ready")


# -- materials (derived, GAP-DL-2.7) and DL-3.3.b --------------------------------------------


@both
def test_DL_3_2_c_materials_of_team_and_each_leader_exist_before_ready(rb):
    """DL-3.2.c/d, GAP-DL-2.7: the agenda cannot run without the materials (derived blocker)."""
    snap = dl(stage="preparing")
    f = fired(replace(snap, self_exams=tuple(x for x in snap.self_exams if x.author not in (TEAM, B))), "DL-3.2.c.materials", rb)
    assert (f.severity, f.gates, f.objects) == ("blocker", "ready", (TEAM, B))


def test_DL_3_3_b_only_achievements_or_no_thought_section():
    snap = dl(stage="preparing")
    exams = tuple(replace(x, has_thought=False) if x.author == A else replace(x, only_achievements=True) if x.author == B else x for x in snap.self_exams)
    f = fired(replace(snap, self_exams=exams), "DL-3.3.b")
    assert f.objects == ((A, "thought"), (B, "only_achievements"))


# -- DL-3.2 agenda ---------------------------------------------------------------------------


def test_DL_3_2_a_opening_must_come_first():
    """DL-3.2.a, GAP-DL-3.2: slot ① is binding as the first item even though its wording is lost."""
    snap = dl(stage="held")
    assert fired(replace(snap, agenda=snap.agenda[1:]), "DL-3.2.a").objects == ("opening",)
    assert fired(replace(snap, agenda=()), "DL-3.2.a").objects == ("agenda",)


def test_DL_3_2_b_previous_rectification_report_slot():
    snap = dl(stage="held")
    f = fired(replace(snap, agenda=tuple(a for a in snap.agenda if a.slot != 2)), "DL-3.2.b")
    assert f.severity == "blocker"


def test_DL_3_2_b_previous_meeting_without_ledger_is_a_warning():
    f = fired(dl(stage="held", previous=PreviousMeetingInfo(True, 0, 0, 0)), "DL-3.2.b.ledger")
    assert f.severity == "warning"
    quiet(dl(stage="held", previous=PreviousMeetingInfo(False)), "DL-3.2.b.ledger")


def test_DL_3_2_c_main_leader_presents_the_team_examination():
    snap = dl(stage="held")
    said = _said(snap, lambda s: s.kind != "report")
    assert fired(replace(snap, statements=said), "DL-3.2.c").objects == ("team_report",)


def test_DL_3_2_c_other_members_comment_on_the_team():
    snap = dl(stage="held")
    said = _said(snap, lambda s: not (s.kind == "mutual" and s.target == TEAM and s.speaker == A))
    f = fired(replace(snap, statements=said), "DL-3.2.c.comments")
    assert f.objects == (A,) and f.severity == "warning"


def test_DL_3_2_d_main_leader_round_needs_a_response():
    snap = dl(stage="held")
    said = _said(snap, lambda s: not (s.kind == "response" and s.speaker == MAIN))
    assert fired(replace(snap, statements=said), "DL-3.2.d").objects == ("response",)


def test_DL_3_2_e_each_member_examines_themselves():
    snap = dl(stage="held")
    said = _said(snap, lambda s: not (s.kind == "self" and s.speaker == B))
    assert fired(replace(snap, statements=said), "DL-3.2.e").objects == ((B, "self"),)


def test_DL_3_2_e_absent_member_has_no_round():
    snap = dl(stage="held")
    attendance = tuple(replace(a, mode="absent", absence_reason="公出", proxy=A) if a.person == C else a for a in snap.attendance)
    said = _said(snap, lambda s: not (s.kind in ("self", "response") and s.speaker == C))
    quiet(replace(snap, attendance=attendance, statements=said), "DL-3.2.e")


def test_DL_3_2_f_commentary_after_all_rounds():
    snap = dl(stage="held")
    assert fired(replace(snap, commentary=None), "DL-3.2.f").objects == ("commentary",)
    agenda = tuple(replace(a, order=5, slot=6) if a.slot == 6 else (replace(a, order=a.order + 1) if a.order >= 5 and a.slot != 7 else a) for a in snap.agenda)
    assert fired(replace(snap, agenda=agenda), "DL-3.2.f").objects == ("order",)


def test_DL_3_2_g_closing_is_the_last_item():
    snap = dl(stage="held")
    last = max(a.order for a in snap.agenda)
    agenda = tuple(replace(a, order=last + 1) if a.slot == 6 else a for a in snap.agenda)
    assert fired(replace(snap, agenda=agenda), "DL-3.2.g").objects == ("order",)
    assert fired(replace(snap, closing=None), "DL-3.2.g").objects == ("closing",)


# -- DL-3.3 criticism --------------------------------------------------------------------------


def test_DL_3_3_a_personal_opinion_nobody_answered():
    snap = dl(stage="held")
    assert fired(replace(snap, opinions=swap(snap.opinions, 1, answered=False)), "DL-3.3.a").objects == (12,)


@both
def test_DL_3_3_c_member_round_before_the_main_leader_is_blocker(rb):
    snap = dl(stage="held")
    main_round = [s for s in snap.statements if s.subject == MAIN]
    rest = [s for s in snap.statements if s.subject != MAIN]
    f = fired(replace(snap, statements=_renumber(rest + main_round)), "DL-3.3.c", rb)
    assert f.severity == "blocker" and any(kind == "main_leader_first" for _, kind in f.objects)


def test_DL_3_3_c_team_examination_comes_first():
    snap = dl(stage="held")
    team = [s for s in snap.statements if s.slot == 3]
    rest = [s for s in snap.statements if s.slot != 3]
    kinds = {kind for _, kind in fired(replace(snap, statements=_renumber(rest + team)), "DL-3.3.c").objects}
    assert {"team_first", "slot"} <= kinds


def test_DL_3_3_d_members_follow_the_plan_order():
    snap = dl(stage="held")
    by = {k: [s for s in snap.statements if s.subject == k] for k in (A, B)}
    head = [s for s in snap.statements if s.subject not in (A, B, C)]
    tail = [s for s in snap.statements if s.subject == C]
    f = fired(replace(snap, statements=_renumber(head + by[B] + by[A] + tail)), "DL-3.3.d")
    assert f.objects == (B, A, C) and f.gates == "rectifying"


def test_DL_3_3_e_every_other_person_criticises_each_subject():
    snap = dl(stage="held")
    said = _said(snap, lambda s: not (s.kind == "mutual" and s.speaker == C and s.target == A))
    f = fired(replace(snap, statements=said), "DL-3.3.e")
    assert f.objects == ((C, A),) and f.severity == "warning"


def test_DL_3_3_f_response_closes_the_round():
    snap = dl(stage="held")
    said = list(snap.statements)
    i = next(n for n, s in enumerate(said) if s.kind == "response" and s.speaker == A)
    said[i - 1], said[i] = said[i], said[i - 1]  # the response comes before the last criticism
    assert (A, "response_not_last") in fired(replace(snap, statements=_renumber(said)), "DL-3.3.f").objects
    no_response = _said(snap, lambda s: not (s.kind == "response" and s.speaker == B))
    assert (B, "no_response") in fired(replace(snap, statements=no_response), "DL-3.3.f").objects


def test_DL_3_3_f_next_round_must_wait_for_the_response():
    snap = dl(stage="held")
    said = list(snap.statements)
    i = next(n for n, s in enumerate(said) if s.kind == "response" and s.speaker == A)
    j = next(n for n, s in enumerate(said) if s.kind == "self" and s.speaker == B)
    response = said.pop(i)
    said.insert(j, response)  # B's self-examination starts before A responded
    assert (A, "next_round_started") in fired(replace(snap, statements=_renumber(said)), "DL-3.3.f").objects


def test_DL_3_3_f_absent_subject_needs_no_response_at_the_meeting():
    """DL-3.3.i/j: an absent leader's outline is read by a proxy and the criticism is relayed
    afterwards, so the missing response of that round is not a finding."""
    snap = dl(stage="held")
    no_response = _said(snap, lambda s: not (s.kind == "response" and s.speaker == B))
    attendance = (*[a for a in snap.attendance if a.person != B], AttendanceInfo("democratic_life", B, "absent", "公出", C))
    quiet(replace(snap, statements=no_response, attendance=attendance), "DL-3.3.f")
    # The same round with B present still needs B's response.
    assert (B, "no_response") in fired(replace(snap, statements=no_response), "DL-3.3.f").objects


def test_DL_3_3_h_criticism_without_concrete_problem():
    snap = dl(stage="held")
    said = tuple(replace(s, has_content=False) if s.kind == "mutual" and s.speaker == B and s.target == A else s for s in snap.statements)
    assert len(fired(replace(snap, statements=said), "DL-3.3.h").objects) == 1


def test_DL_3_3_i_absent_member_needs_reason_and_reader():
    snap = dl(stage="held")
    attendance = tuple(replace(a, mode="absent") if a.person == C else a for a in snap.attendance)
    assert fired(replace(snap, attendance=attendance), "DL-3.3.i").objects == ((C, "reason"), (C, "proxy"))
    attendance = tuple(replace(a, mode="absent", absence_reason="公出", proxy=B) if a.person == C else a for a in snap.attendance)
    quiet(replace(snap, attendance=attendance), "DL-3.3.i")


def test_DL_3_3_j_criticism_passed_on_to_the_absent_member_in_time():
    snap = dl(stage="rectifying", today=T + timedelta(days=8))
    attendance = (*[a for a in snap.attendance if a.person != C], AttendanceInfo("democratic_life", C, "absent", "公出", B))
    snap = replace(snap, attendance=attendance)
    f = fired(snap, "DL-3.3.j")
    assert f.objects == ((C, "overdue"),) and "2024年12月27日" in f.message
    on_time = (*snap.feedback, FeedbackInfo("absent_criticism", C, T + timedelta(days=3), by=MAIN))
    quiet(replace(snap, feedback=on_time), "DL-3.3.j")
    late = (*snap.feedback, FeedbackInfo("absent_criticism", C, T + timedelta(days=9), by=MAIN))
    assert fired(replace(snap, feedback=late), "DL-3.3.j").objects == ((C, "late"),)


# -- DL-3.4 commentary and closing -------------------------------------------------------------


@both
def test_DL_3_4_a_commentary_has_three_parts(rb):
    f = fired(dl(stage="held", commentary=CommentaryInfo(True, True, False, 2, True)), "DL-3.4.a", rb)
    assert (f.severity, f.objects) == ("blocker", ("effect",))


def test_DL_3_4_b_commentary_sets_expectations():
    assert fired(dl(stage="held", commentary=CommentaryInfo(True, True, True, 0, True)), "DL-3.4.b").severity == "warning"


def test_DL_3_4_c_closing_by_the_main_leader_with_all_parts():
    snap = dl(stage="held")
    assert fired(replace(snap, closing=replace(snap.closing, author=A)), "DL-3.4.c").objects == ("author",)
    assert fired(replace(snap, closing=replace(snap.closing, has_commitment=False)), "DL-3.4.c").objects == ("commitment",)


# -- DL-4 会后整改 ---------------------------------------------------------------------------


@both
def test_DL_4_1_a_team_rectification_plan_required(rb):
    snap = dl(stage="rectifying")
    f = fired(replace(snap, items=tuple(i for i in snap.items if i.scope != "organization")), "DL-4.1.a", rb)
    assert (f.severity, f.gates, f.objects) == ("blocker", "reported", ("no_team_items",))
    assert fired(replace(snap, items=swap(snap.items, 0, deadline=None)), "DL-4.1.a", rb).objects == (21,)


@both
def test_DL_4_1_b_every_leader_has_a_personal_item(rb):
    snap = dl(stage="rectifying")
    f = fired(replace(snap, items=tuple(i for i in snap.items if i.owner != B)), "DL-4.1.b", rb)
    assert (f.severity, f.objects) == ("blocker", (B,))


@both
def test_DL_4_2_a_report_within_15_days(rb):
    snap = dl(stage="rectifying", report=None, today=date(2025, 1, 5))
    f = fired(snap, "DL-4.2.a", rb)
    assert f.severity == "warning" and "2025年1月4日" in f.message
    quiet(replace(snap, today=date(2025, 1, 4)), "DL-4.2.a", rb)


def test_DL_4_2_b_report_package_needs_the_opinion_summaries():
    snap = dl(stage="rectifying")
    assert fired(replace(snap, report=replace(snap.report, has_opinion_summary=False)), "DL-4.2.b").objects == ("opinion_summary",)


def test_DL_4_2_c_situation_report_required():
    snap = dl(stage="rectifying")
    assert fired(replace(snap, report=replace(snap.report, has_situation_report=False)), "DL-4.2.c").gates == "reported"


@both
def test_DL_4_3_a_circular_before_closing(rb):
    f = fired(dl(stage="reported", circular=None), "DL-4.3.a", rb)
    assert (f.severity, f.gates) == ("blocker", "closed")


def test_DL_4_3_a_circular_within_one_calendar_month():
    snap = dl(stage="reported", circular=None, today=date(2025, 1, 21))
    assert "2025年1月20日" in fired(snap, "DL-4.3.a.overdue").message
    quiet(replace(snap, today=date(2025, 1, 20)), "DL-4.3.a.overdue")


def test_DL_4_3_a_month_end_meeting_gets_the_last_day_of_february():
    snap = dl(stage="reported", circular=None, meeting_date=date(2025, 1, 31), window=None, today=date(2025, 3, 1))
    snap = replace(snap, sittings=(replace(snap.sittings[0], date=date(2025, 1, 31)),))
    assert "2025年2月28日" in fired(snap, "DL-4.3.a.overdue").message


def test_DL_4_3_b_circular_records_scope_and_form():
    snap = dl(stage="reported")
    assert fired(replace(snap, circular=replace(snap.circular, scope="")), "DL-4.3.b").objects == ("scope",)


def test_DL_4_4_a_overdue_item():
    snap = dl(stage="rectifying")
    items = (*snap.items, ItemInfo(40, 21, "personal", A, deadline=date(2025, 2, 1), status="open"))
    assert fired(replace(snap, items=items), "DL-4.4.a").objects == ((40, date(2025, 2, 1)),)


@both
def test_DL_4_4_c_every_item_closed_before_the_meeting_closes(rb):
    snap = dl(stage="reported")
    f = fired(replace(snap, items=swap(snap.items, 2, status="open", closed_on=None)), "DL-4.4.c", rb)
    assert (f.severity, f.gates) == ("blocker", "closed")


def test_DL_statements_from_observers_do_not_count_as_team_criticism():
    """DL-1.4.b / DL-3.3.e: observers may criticise, but they are extras, not required pairs."""
    snap = dl(stage="held")
    said = (*snap.statements, StatementInfo("democratic_life", 999, "mutual", "o5", A, slot=5, subject=A, has_suggestion=True))
    quiet(replace(snap, statements=said), "DL-3.3.e")


def test_DL_national_baseline_runs_the_same_agenda_rules():
    assert {r.id for r in NATIONAL.rules_for("democratic_life")} == {r.id for r in DISTRICT.rules_for("democratic_life")}
    assert engine.check(dl(), NATIONAL) == []


def test_DL_2_5_a_summary_refrozen_after_the_meeting_still_counts():
    """DL-2.5.a gates `ready`; re-freezing the summary for the report must not block later stages."""
    snap = dl(stage="rectifying")
    quiet(replace(snap, opinion_summary=replace(snap.opinion_summary, frozen_on=T + timedelta(days=3))), "DL-2.5.a")
