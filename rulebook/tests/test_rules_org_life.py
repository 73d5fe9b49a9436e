"""One test per 组织生活会 rule, named with its clause ID. Pure: no database.

Each test starts from `samples.org_life()` — a meeting done by the book, where no rule fires
(see test_engine.py) — breaks one thing, and expects the rule for that clause to fire."""

from dataclasses import replace
from datetime import date, timedelta

from rulebook import engine
from rulebook.constants import TEAM
from rulebook.samples import OL_DAY, SUPERIOR
from rulebook.snapshot import (
    AttendanceInfo,
    ClosingInfo,
    CommentaryInfo,
    FeedbackInfo,
    ItemInfo,
    NoticeInfo,
    OpinionInfo,
    OrgInfo,
    ProblemInfo,
    ReportInfo,
    StatementInfo,
    StudySessionInfo,
    SummaryInfo,
    TalkFlagInfo,
    TalkInfo,
)

from .helpers import DISTRICT, NATIONAL, both, fired, ol, quiet, swap

T = OL_DAY


def _without_talk(snapshot, a, b, kind=None):
    return tuple(t for t in snapshot.talks if not ({t.a, t.b} == {a, b} and (kind is None or t.kind == kind)))


# -- OL-1 总体要求 ---------------------------------------------------------------------------


def test_OL_1_2_a_meeting_outside_the_half_window_is_a_warning():
    f = fired(ol(meeting_date=date(2024, 9, 15), stage="planning"), "OL-1.2.a")
    assert f.severity == "warning" and f.overridable
    assert "2024年11月1日" in f.message


def test_OL_1_2_a_meeting_without_half_is_flagged():
    assert fired(ol(half="", stage="planning"), "OL-1.2.a").objects == ("half",)


def test_OL_1_2_a_windows_differ_between_rulebooks():
    """OL-1.2.a: mid-October is year-end for the national baseline (Q4), not for the district."""
    snap = ol(meeting_date=date(2024, 10, 15), stage="planning")
    fired(snap, "OL-1.2.a", DISTRICT)
    quiet(snap, "OL-1.2.a", NATIONAL)


def test_OL_1_2_a_year_end_window_runs_into_january():
    quiet(ol(meeting_date=date(2025, 1, 20), stage="planning"), "OL-1.2.a", DISTRICT)


def test_OL_1_2_b_year_end_meeting_needs_the_appraisal_in_the_district():
    f = fired(ol(appraisal=None), "OL-1.2.b", DISTRICT)
    assert (f.severity, f.gates) == ("blocker", "closed")
    assert f in engine.blockers(engine.check(ol(appraisal=None), DISTRICT), "closed")


def test_OL_1_2_b_national_baseline_only_allows_combining():
    """OL-1.2.b: nationally 民主评议 *may* be combined (2019 条例 art. 18), so no blocker."""
    quiet(ol(appraisal=None), "OL-1.2.b", NATIONAL)


def test_OL_1_2_b_ratings_must_be_final():
    snap = ol()
    snap = replace(snap, appraisal=replace(snap.appraisal, ratings_final=False))
    assert fired(snap, "OL-1.2.b").objects == ("ratings",)


def test_OL_1_2_b_mid_year_meeting_needs_no_appraisal():
    quiet(ol(half="mid_year", meeting_date=date(2024, 7, 10), appraisal=None), "OL-1.2.b")


@both
def test_OL_1_3_a_org_life_meeting_only_for_a_branch(rb):
    snap = ol(organization=OrgInfo(kind="party_committee", sector="community", has_committee=True), stage="planning")
    f = fired(snap, "OL-1.3.a", rb)
    assert f.severity == "blocker" and f.gates == "preparing" and not f.overridable


@both
def test_OL_1_3_b_member_without_attendance_record_is_a_warning(rb):
    snap = ol()
    snap = replace(snap, attendance=tuple(a for a in snap.attendance if not (a.sitting_kind == "general" and a.person == "m7")))
    f = fired(snap, "OL-1.3.b", rb)
    assert f.objects == (("m7", "no_record"),) and f.severity == "warning" and f.gates == "rectifying"


def test_OL_1_3_b_absence_without_reason_is_listed():
    snap = ol()
    attendance = tuple(replace(a, mode="absent") if a.sitting_kind == "general" and a.person == "m8" else a for a in snap.attendance)
    assert fired(replace(snap, attendance=attendance), "OL-1.3.b").objects == (("m8", "absent_no_reason"),)


def test_OL_1_3_b_not_evaluated_before_the_meeting_is_held():
    snap = ol(stage="ready")
    quiet(replace(snap, attendance=()), "OL-1.3.b")


def test_OL_1_3_c_leading_cadre_absent_from_own_branch():
    snap = ol()
    attendance = tuple(replace(a, mode="absent", absence_reason="出差") if a.sitting_kind == "general" and a.person == "m5" else a for a in snap.attendance)
    assert fired(replace(snap, attendance=attendance), "OL-1.3.c").objects == ("m5",)


def test_OL_1_3_d_elderly_member_taking_part_at_home_is_covered():
    """OL-1.3.d: m4 is elderly and took part by home visit: neither OL-1.3.b nor OL-1.3.d fires."""
    snap = ol()
    assert any(a.person == "m4" and a.mode == "home_visit" for a in snap.attendance)
    quiet(snap, "OL-1.3.b")
    quiet(snap, "OL-1.3.d")


def test_OL_1_3_d_flexible_form_for_a_member_who_is_not_elderly_is_info():
    snap = ol()
    attendance = tuple(replace(a, mode="remote") if a.person == "m6" else a for a in snap.attendance)
    f = fired(replace(snap, attendance=attendance), "OL-1.3.d")
    assert f.severity == "info" and f.objects == ("m6",)
    quiet(replace(snap, attendance=attendance), "OL-1.3.b")


def test_OL_1_3_e_attending_elsewhere_is_for_mobile_members():
    snap = ol()
    attendance = tuple(replace(a, mode="at_flow_org") if a.person == "m6" else a for a in snap.attendance)
    assert fired(replace(snap, attendance=attendance), "OL-1.3.e").objects == ("m6",)
    roster = swap(snap.roster, 5, is_mobile=True)
    talks = (*snap.talks, TalkInfo("m1", "m6", kind="care", held_on=T - timedelta(days=3)))
    quiet(replace(snap, attendance=attendance, roster=roster, talks=talks), "OL-1.3.e")


# -- OL-2 会前准备 ---------------------------------------------------------------------------


def test_OL_2_0_records_after_the_meeting_do_not_count():
    snap = ol()
    talks = tuple(replace(t, held_on=T + timedelta(days=1)) if {t.a, t.b} == {"m1", "m8"} else t for t in snap.talks)
    found = {f.rule_id: f for f in engine.check(replace(snap, talks=talks), DISTRICT)}
    assert found["OL-2.0"].severity == "info"
    assert found["OL-2.0"].objects == (("talk", "m1", "m8", T + timedelta(days=1)),)
    assert found["OL-2.4.b"].objects == (("m1", "m8"),)


def test_OL_2_0_a_record_on_the_meeting_day_still_counts():
    """OL-2.0: records carry a date, not a time: the meeting day itself counts as 会前 (dates.py)."""
    snap = ol()
    first = min(s.date for s in snap.sittings)
    talks = tuple(replace(t, held_on=first) if {t.a, t.b} == {"m1", "m8"} else t for t in snap.talks)
    quiet(replace(snap, talks=talks), "OL-2.0")
    quiet(replace(snap, talks=talks), "OL-2.4.b")


@both
def test_OL_2_1_b_plan_without_form_blocks_preparation(rb):
    snap = ol(stage="planning")
    f = fired(replace(snap, plan=replace(snap.plan, has_form=False)), "OL-2.1.b", rb)
    assert (f.severity, f.gates, f.objects) == ("blocker", "preparing", ("form",))


@both
def test_OL_2_1_c_preparation_waits_for_plan_approval(rb):
    snap = ol(stage="planning")
    snap = replace(snap, plan=replace(snap.plan, status="submitted"))
    f = fired(snap, "OL-2.1.c", rb)
    assert f.gates == "preparing"
    assert [b.rule_id for b in engine.blockers(engine.check(snap, rb), "preparing")] == ["OL-2.1.c"]


def test_OL_2_1_c_override_lets_the_blocker_pass():
    snap = ol(stage="planning")
    snap = replace(snap, plan=replace(snap.plan, status="submitted"), overrides=frozenset({"OL-2.1.c"}))
    f = fired(snap, "OL-2.1.c")
    assert f.overridden and not f.blocks
    assert engine.blockers(engine.check(snap, DISTRICT), "preparing") == []


@both
def test_OL_2_2_a_empty_reading_list_blocks_ready(rb):
    f = fired(ol(reading_count=0, stage="preparing"), "OL-2.2.a", rb)
    assert (f.severity, f.gates) == ("blocker", "ready")


def test_OL_2_2_b_member_without_study_record():
    snap = ol(stage="preparing")
    snap = replace(snap, study=tuple(t for t in snap.study if t.person != "m8"))
    assert fired(snap, "OL-2.2.b").objects == ("m8",)


def test_OL_2_2_c_self_study_missing():
    snap = ol(stage="preparing")
    sessions = tuple(s for s in snap.study_sessions if s.concentrated) + (StudySessionInfo(T - timedelta(days=3), 6, True, "tutorial"),)
    assert fired(replace(snap, study_sessions=sessions), "OL-2.2.c").objects == ("self",)


@both
def test_OL_2_2_d_total_study_below_one_day_is_a_warning(rb):
    sessions = (StudySessionInfo(T - timedelta(days=5), 2, True), StudySessionInfo(T - timedelta(days=4), 2, False))
    f = fired(ol(study_sessions=sessions, stage="preparing"), "OL-2.2.d.total", rb)
    assert f.severity == "warning" and f.overridable and f.override_roles == ("reviewer",)
    assert "0.67天" in f.message and "不少于1天" in f.message


def test_OL_2_2_d_concentrated_below_half_a_day():
    sessions = (StudySessionInfo(T - timedelta(days=5), 2, True), StudySessionInfo(T - timedelta(days=4), 10, False))
    found = {f.rule_id for f in engine.check(ol(study_sessions=sessions, stage="preparing"), DISTRICT)}
    assert "OL-2.2.d.concentrated" in found and "OL-2.2.d.total" not in found


def test_OL_2_2_d_day_length_is_a_parameter():
    sessions = (StudySessionInfo(T - timedelta(days=5), 3, True), StudySessionInfo(T - timedelta(days=4), 1, False))
    quiet(ol(study_sessions=sessions, stage="preparing"), "OL-2.2.d.total", DISTRICT.with_params(study_day_hours=4))
    fired(ol(study_sessions=sessions, stage="preparing"), "OL-2.2.d.total", DISTRICT)


def test_OL_2_2_e_study_after_the_meeting_does_not_count():
    snap = ol(stage="preparing")
    sessions = tuple(replace(s, date=T + timedelta(days=2)) if s.concentrated else s for s in snap.study_sessions)
    found = {f.rule_id: f for f in engine.check(replace(snap, study_sessions=sessions), DISTRICT)}
    assert found["OL-2.2.e"].objects == (("after_meeting", T + timedelta(days=2)),)
    assert found["OL-2.2.c"].objects == ("concentrated",)


def test_OL_2_3_a_single_channel_is_info():
    snap = ol(stage="preparing")
    ops = tuple(replace(o, channel="forum") for o in snap.opinions)
    assert fired(replace(snap, opinions=ops), "OL-2.3.a").severity == "info"


def test_OL_2_3_b_committee_member_without_opinions_or_none_received():
    snap = ol(stage="preparing")
    f = fired(replace(snap, opinion_summary=SummaryInfo(T - timedelta(days=14))), "OL-2.3.b")
    assert f.objects == ("m1", "m2")


def test_OL_2_3_c_summary_missing():
    f = fired(ol(opinion_summary=None, stage="preparing"), "OL-2.3.c")
    assert f.severity == "warning" and f.gates == "ready"


def test_OL_2_3_d_team_opinions_not_communicated_to_a_committee_member():
    snap = ol(stage="preparing")
    fb = tuple(f for f in snap.feedback if not (f.kind == "team" and f.recipient == "m2"))
    assert fired(replace(snap, feedback=fb), "OL-2.3.d").objects == ("m2",)


def test_OL_2_3_e_personal_opinions_fed_back_by_someone_else():
    snap = ol(stage="preparing")
    fb = tuple(replace(f, by="m2") if f.kind == "personal" else f for f in snap.feedback)
    assert fired(replace(snap, feedback=fb), "OL-2.3.e").objects == (("m3", "wrong_deliverer"),)


def test_OL_2_3_e_opinions_on_the_secretary_come_from_the_superior():
    snap = ol(stage="preparing")
    ops = (*snap.opinions, OpinionInfo(9, "m1", "phone", T - timedelta(days=20), answered=True))
    fb = (*snap.feedback, FeedbackInfo("personal", "m1", T - timedelta(days=12), by=SUPERIOR))
    quiet(replace(snap, opinions=ops, feedback=fb), "OL-2.3.e")
    fb_self = (*snap.feedback, FeedbackInfo("personal", "m1", T - timedelta(days=12), by="m1"))
    assert fired(replace(snap, opinions=ops, feedback=fb_self), "OL-2.3.e").objects == (("m1", "wrong_deliverer"),)


def test_OL_2_3_f_vague_opinion_is_info():
    snap = ol(stage="preparing")
    ops = swap(snap.opinions, 0, is_vague=True)
    assert fired(replace(snap, opinions=ops), "OL-2.3.f").objects == (("vague", 1),)


@both
def test_OL_2_4_a_superior_talk_missing_is_blocker(rb):
    snap = ol(stage="preparing")
    snap = replace(snap, talks=_without_talk(snap, SUPERIOR, "m1"))
    f = fired(snap, "OL-2.4.a", rb)
    assert (f.severity, f.gates, f.objects) == ("blocker", "ready", (("m1", SUPERIOR),))
    assert "OL-2.4.a" in {b.rule_id for b in engine.blockers(engine.check(snap, rb), "ready")}


def test_OL_2_4_a_unnamed_superior_counts_any_superior_talk():
    snap = ol(stage="preparing", superior_head="")
    talks = (*_without_talk(snap, SUPERIOR, "m1"), TalkInfo("u77", "m1", held_on=T - timedelta(days=9)))
    quiet(replace(snap, talks=talks), "OL-2.4.a")
    fired(replace(snap, talks=_without_talk(snap, SUPERIOR, "m1")), "OL-2.4.a")


def test_OL_2_4_b_secretary_has_not_talked_with_a_member():
    snap = ol(stage="preparing")
    f = fired(replace(snap, talks=_without_talk(snap, "m1", "m8", "regular")), "OL-2.4.b")
    assert f.severity == "warning" and f.objects == (("m1", "m8"),)


def test_OL_2_4_c_committee_members_have_not_talked():
    snap = ol(stage="preparing")
    assert fired(replace(snap, talks=_without_talk(snap, "m2", "m3")), "OL-2.4.c").objects == (("m2", "m3"),)


def test_OL_2_4_d_min_per_member_lists_members_short_of_talks():
    snap = ol(stage="preparing")
    talks = tuple(t for t in snap.talks if "m1" in (t.a, t.b) or {t.a, t.b} == {"m2", "m3"} or t.kind != "regular")
    f = fired(replace(snap, talks=talks), "OL-2.4.d")
    # m5 and m6 had their mediation talk (any talk between two members counts); the
    # secretary's talks do not count as peer talks (they are OL-2.4.b).
    assert {person for person, _ in f.objects} == {"m4", "m7", "m8"}


def test_OL_2_4_d_all_pairs_mode_requires_every_pair():
    snap = ol(stage="preparing")
    rb = DISTRICT.with_params(ol_member_peer_talk_mode="all_pairs")
    f = fired(snap, "OL-2.4.d", rb)
    assert ("m4", "m6") in f.objects and ("m2", "m3") not in f.objects  # m2-m3 belongs to OL-2.4.c


def test_OL_2_4_d_within_small_group_mode():
    snap = ol(stage="preparing")
    rb = DISTRICT.with_params(ol_member_peer_talk_mode="within_small_group")
    f = fired(snap, "OL-2.4.d", rb)
    groups = {p.key: p.small_group for p in snap.roster}
    assert all(groups[a] == groups[b] for a, b in f.objects)


def test_OL_2_4_e_care_talk_missing_for_elderly_member():
    snap = ol(stage="preparing")
    f = fired(replace(snap, talks=_without_talk(snap, "m1", "m4", "care")), "OL-2.4.e")
    assert f.objects == (("m4", 1),)


def test_OL_2_4_f_flagged_pair_needs_a_mediation_talk():
    snap = ol(stage="preparing")
    assert fired(replace(snap, talks=_without_talk(snap, "m5", "m6", "mediation")), "OL-2.4.f").objects == (("m5", "m6"),)
    flags = (*snap.talk_flags, TalkFlagInfo("m7", None, "unaware"))
    assert fired(replace(snap, talk_flags=flags), "OL-2.4.f").objects == (("m7", 1),)


def test_OL_2_5_a_district_organ_leader_without_report():
    snap = ol(sector="district_organ", stage="preparing")
    snap = replace(snap, self_exams=tuple(x for x in snap.self_exams if x.author != "m2"))
    f = fired(snap, "OL-2.5.a")
    assert (f.severity, f.objects) == ("blocker", ("m2",))


def test_OL_2_5_a_an_outline_is_not_enough_for_district_organs():
    snap = ol(sector="public_institution", stage="preparing")
    exams = tuple(replace(x, doc_kind="outline") if x.author == "m2" else x for x in snap.self_exams)
    assert fired(replace(snap, self_exams=exams), "OL-2.5.a").objects == ("m2",)


def test_OL_2_5_b_school_leader_without_report():
    snap = ol(sector="school", stage="preparing")
    snap = replace(snap, self_exams=tuple(x for x in snap.self_exams if x.author != "m3"))
    assert fired(snap, "OL-2.5.b").objects == ("m3",)
    quiet(snap, "OL-2.5.a")


def test_OL_2_5_c_community_team_report_missing():
    snap = ol(stage="preparing")
    snap = replace(snap, self_exams=tuple(x for x in snap.self_exams if x.author != TEAM))
    assert fired(snap, "OL-2.5.c").objects == (TEAM,)


def test_OL_2_5_d_community_report_needs_itemised_list_even_with_upload():
    snap = ol(stage="preparing")
    exams = tuple(replace(x, has_structured_items=False, has_upload=True) if x.author == "m1" else x for x in snap.self_exams)
    assert fired(replace(snap, self_exams=exams), "OL-2.5.d").objects == ("m1",)


def test_OL_2_5_e_community_problem_list_not_displayed():
    snap = ol(stage="preparing")
    f = fired(replace(snap, notices=tuple(n for n in snap.notices if n.kind != "problem_list")), "OL-2.5.e")
    assert f.severity == "blocker" and f.gates == "ready"
    late = (NoticeInfo("problem_list", T + timedelta(days=1)),)
    fired(replace(snap, notices=late), "OL-2.5.e")


def test_OL_2_5_e_only_for_community_branches():
    snap = ol(sector="school", stage="preparing")
    quiet(replace(snap, notices=()), "OL-2.5.e")


def test_OL_2_5_f_other_sector_committee_member_without_outline():
    snap = ol(sector="other", stage="preparing")
    snap = replace(snap, self_exams=tuple(x for x in snap.self_exams if x.author != "m3"))
    assert fired(snap, "OL-2.5.f").objects == ("m3",)


def test_OL_2_5_f_report_may_replace_the_outline():
    quiet(ol(sector="other", stage="preparing"), "OL-2.5.f")


def test_OL_2_5_f_outline_must_answer_the_opinions():
    snap = ol(sector="other", stage="preparing")
    exams = tuple(replace(x, doc_kind="outline", linked_opinions=0) if x.author == "m2" else x for x in snap.self_exams)
    f = fired(replace(snap, self_exams=exams), "OL-2.5.f.opinions")
    assert f.severity == "warning" and f.objects == ("m2",)


def test_OL_2_5_g_report_without_causes_is_blocker():
    snap = ol(stage="preparing")
    exams = tuple(replace(x, has_causes=False) if x.author == "m2" else x for x in snap.self_exams)
    f = fired(replace(snap, self_exams=exams), "OL-2.5.g")
    assert f.objects == (("m2", "causes"),) and f.severity == "blocker"


def test_OL_2_5_h_an_uploaded_file_replaces_the_structured_sections():
    """OL-2.5.h: no uniform format is imposed; an upload satisfies OL-2.5.g (length never checked)."""
    snap = ol(stage="preparing")
    exams = tuple(replace(x, has_problems=False, has_causes=False, has_measures=False, has_upload=True) if x.author == "m2" else x for x in snap.self_exams)
    quiet(replace(snap, self_exams=exams), "OL-2.5.g")


def test_OL_2_5_i_material_not_approved_by_the_superior():
    snap = ol(stage="preparing")
    exams = tuple(replace(x, approved_by_superior=False) if x.author in (TEAM, "m2") else x for x in snap.self_exams)
    f = fired(replace(snap, self_exams=exams), "OL-2.5.i")
    assert f.objects == ("m2", TEAM) and f.gates == "ready"


# -- OL-3 召开会议 ---------------------------------------------------------------------------


def test_OL_3_1_a_general_sitting_before_committee_is_blocker():
    snap = ol(stage="held")
    sittings = (replace(snap.sittings[0], order=3), snap.sittings[1])
    f = fired(replace(snap, sittings=sittings), "OL-3.1.a")
    assert (f.severity, f.gates) == ("blocker", "rectifying") and "order" in f.objects


def test_OL_3_1_a_committee_sitting_still_open():
    snap = ol(stage="held")
    sittings = (replace(snap.sittings[0], status="open"), snap.sittings[1])
    assert "committee_not_closed" in fired(replace(snap, sittings=sittings), "OL-3.1.a").objects


def test_OL_3_1_a_not_checked_before_the_meeting():
    quiet(ol(stage="ready", sittings=()), "OL-3.1.a")


def test_OL_3_1_b_committee_member_did_not_criticise_another():
    snap = ol(stage="held")
    said = tuple(s for s in snap.statements if not (s.sitting_kind == "committee" and s.kind == "mutual" and s.speaker == "m3" and s.target == "m2"))
    assert fired(replace(snap, statements=said), "OL-3.1.b").objects == (("m3", "m2"),)


def test_OL_3_1_c_general_sitting_must_open_with_the_secretary_report():
    snap = ol(stage="held")
    said = tuple(s for s in snap.statements if not (s.sitting_kind == "general" and s.kind == "report"))
    assert "report_first" in fired(replace(snap, statements=said), "OL-3.1.c").objects


def test_OL_3_1_d_branch_without_committee_holds_one_general_sitting():
    snap = ol(has_committee=False, sector="other", stage="held")
    quiet(snap, "OL-3.1.d")
    quiet(snap, "OL-3.1.a")
    assert fired(replace(snap, sittings=()), "OL-3.1.d").objects == ("general_missing",)
    no_self = tuple(s for s in snap.statements if s.kind != "self")
    assert fired(replace(snap, statements=no_self), "OL-3.1.d").objects == ("criticism",)


def test_OL_3_1_e_secretary_must_examine_first():
    snap = ol(stage="held")
    said = list(snap.statements)
    said[0], said[1] = replace(said[1], seq=1), replace(said[0], seq=2)
    assert ("committee", "self_first") in fired(replace(snap, statements=tuple(said)), "OL-3.1.e").objects


def test_OL_3_1_e_secretary_responds_to_criticism():
    snap = ol(stage="held")
    said = tuple(s for s in snap.statements if s.kind != "response")
    assert ("committee", "response") in fired(replace(snap, statements=said), "OL-3.1.e").objects


def test_OL_3_1_f_strong_public_concern_not_answered():
    snap = ol(stage="held")
    assert fired(replace(snap, problems=swap(snap.problems, 1, answered=False)), "OL-3.1.f").objects == (2,)


def test_OL_3_1_g_criticism_without_improvement_suggestion():
    snap = ol(stage="held")
    said = tuple(replace(s, has_suggestion=False) if s.sitting_kind == "committee" and s.seq == 4 else s for s in snap.statements)
    assert fired(replace(snap, statements=said), "OL-3.1.g").objects == (("committee", 4),)


def test_OL_3_1_h_criticism_without_target():
    snap = ol(stage="held")
    said = (*snap.statements, StatementInfo("general", 99, "mutual", "m7", None, has_suggestion=True))
    assert fired(replace(snap, statements=said), "OL-3.1.h").objects == (("general", 99),)


def test_OL_3_2_a_guide_and_commentary_missing():
    snap = ol(stage="held")
    sittings = tuple(replace(s, guide="") for s in snap.sittings)
    f = fired(replace(snap, sittings=sittings, commentary=CommentaryInfo(True, True, True, 2, by_guide=False)), "OL-3.2.a")
    assert f.objects == ("guide", "commentary") and f.severity == "warning"


def test_OL_3_2_b_commentary_without_guidance():
    snap = ol(stage="held")
    assert fired(replace(snap, commentary=CommentaryInfo(True, True, True, 0, True)), "OL-3.2.b").objects == ("guidance",)


@both
def test_OL_3_3_a_closing_summary_missing_blocks_rectifying(rb):
    f = fired(ol(stage="held", closing=None), "OL-3.3.a", rb)
    assert (f.severity, f.gates) == ("blocker", "rectifying")


def test_OL_3_3_a_closing_by_someone_else_or_before_commentary():
    snap = ol(stage="held")
    assert fired(replace(snap, closing=replace(snap.closing, author="m2")), "OL-3.3.a").objects == ("author",)
    assert fired(replace(snap, closing=replace(snap.closing, after_commentary=False)), "OL-3.3.a").objects == ("order",)


def test_OL_3_3_b_closing_does_not_answer_every_guidance_point():
    snap = ol(stage="held")
    closing = ClosingInfo("m1", True, 1, False, True, True, True)
    assert fired(replace(snap, closing=closing), "OL-3.3.b").objects == ("guidance", "opinions")


# -- OL-4 会后整改 ---------------------------------------------------------------------------


def test_OL_4_1_a_no_problems_collected_is_info():
    f = fired(ol(stage="held", problems=()), "OL-4.1.a")
    assert f.severity == "info"


@both
def test_OL_4_1_b_problem_without_scope_blocks_rectifying(rb):
    snap = ol(stage="held")
    snap = replace(snap, problems=swap(snap.problems, 0, scope=""))
    f = fired(snap, "OL-4.1.b", rb)
    assert (f.severity, f.gates, f.objects) == ("blocker", "rectifying", (1,))
    assert "OL-4.1.b" in {b.rule_id for b in engine.blockers(engine.check(snap, rb), "rectifying")}


def test_OL_4_1_c_item_without_goal_blocks_reporting():
    snap = ol(stage="rectifying")
    f = fired(replace(snap, items=swap(snap.items, 0, missing=("目标",))), "OL-4.1.c")
    assert (f.gates, f.objects) == ("reported", ((1, "目标"),))


def test_OL_4_1_c_problem_without_measures():
    snap = ol(stage="rectifying")
    assert fired(replace(snap, problems=swap(snap.problems, 0, item_count=0)), "OL-4.1.c.problems").objects == (1,)


def test_OL_4_1_d_rectification_measures_not_displayed():
    snap = ol(stage="reported")
    f = fired(replace(snap, notices=tuple(n for n in snap.notices if n.kind != "rectification")), "OL-4.1.d")
    assert (f.severity, f.gates) == ("blocker", "closed")


def test_OL_4_1_d_display_period_in_working_days():
    snap = ol(stage="reported")
    # Published Sunday 15 Dec 2024, shown until Thursday 19 Dec: 4 working days < 5.
    notices = tuple(replace(n, display_until=date(2024, 12, 19)) if n.kind == "rectification" else n for n in snap.notices)
    f = fired(replace(snap, notices=notices), "OL-4.1.d.period")
    assert "5个工作日" in f.message
    notices = tuple(replace(n, display_until=date(2024, 12, 20)) if n.kind == "rectification" else n for n in snap.notices)
    quiet(replace(snap, notices=notices), "OL-4.1.d.period")


@both
def test_OL_4_2_a_report_without_minutes_scan_blocks_reported(rb):
    snap = ol(stage="rectifying")
    f = fired(replace(snap, report=replace(snap.report, has_minutes_scan=False)), "OL-4.2.a", rb)
    assert (f.severity, f.gates, f.objects) == ("blocker", "reported", ("minutes_scan",))


def test_OL_4_2_a_report_overdue_after_the_suggested_15_days():
    snap = ol(stage="rectifying", report=None, today=date(2024, 12, 26))
    f = fired(snap, "OL-4.2.a.overdue")
    assert f.severity == "warning" and "2024年12月25日" in f.message
    quiet(replace(snap, today=date(2024, 12, 25)), "OL-4.2.a.overdue")


def test_OL_4_2_a_report_submitted_late_stays_visible():
    snap = ol(stage="reported", report=ReportInfo(date(2024, 12, 27), "accepted", True, True, True))
    assert fired(snap, "OL-4.2.a.overdue").objects == ("late", date(2024, 12, 27))


def test_OL_4_2_b_situation_report_missing():
    snap = ol(stage="rectifying")
    assert fired(replace(snap, report=replace(snap.report, has_situation_report=False)), "OL-4.2.b").gates == "reported"


def test_OL_4_3_a_overdue_item_is_a_warning():
    snap = ol(stage="rectifying", today=date(2025, 2, 10))
    items = (*snap.items, ItemInfo(3, 1, "organization", TEAM, deadline=date(2025, 1, 31), status="open"))
    f = fired(replace(snap, items=items), "OL-4.3.a")
    assert f.objects == ((3, date(2025, 1, 31)),) and f.severity == "warning"


@both
def test_OL_4_3_c_meeting_closes_only_when_every_item_is_closed(rb):
    snap = ol(stage="reported")
    snap = replace(snap, items=swap(snap.items, 1, status="closure_requested", closed_on=None))
    f = fired(snap, "OL-4.3.c", rb)
    assert (f.severity, f.gates, f.objects) == ("blocker", "closed", (2,))
    assert [b.rule_id for b in engine.blockers(engine.check(snap, rb), "closed")] == ["OL-4.3.c"]
    assert engine.blockers(engine.check(snap, rb), "reported") == []


def test_OL_problems_owned_by_the_team_are_not_personal_answers():
    """OL-3.1.f concerns problems of a person; team problems are answered in the report."""
    snap = ol(stage="held")
    problems = (*snap.problems, ProblemInfo(5, "commentary", "organization", TEAM, raised_by_superior=True, item_count=1))
    quiet(replace(snap, problems=problems), "OL-3.1.f")


def test_OL_attendance_other_sitting_kinds_ignored():
    """OL-1.3.b counts the 党员大会 (every member attends it), not the 支委会."""
    snap = ol()
    quiet(replace(snap, attendance=(*snap.attendance, AttendanceInfo("committee", "m8", "absent"))), "OL-1.3.b")
