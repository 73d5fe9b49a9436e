"""The proposal layer (P-DL-*, for text missing from the source: §GAP). Never blockers, always
labelled "提议，非本地制度原文", and switchable off per rulebook."""

from dataclasses import replace
from datetime import timedelta

import pytest

from rulebook import engine
from rulebook.constants import PROPOSAL_LABEL, TEAM
from rulebook.samples import DL_DAY, SUPERIOR
from rulebook.snapshot import AttendanceInfo, FeedbackInfo, PreviousMeetingInfo, TalkInfo

from .helpers import DISTRICT, NATIONAL, both, dl, fired, quiet

T = DL_DAY
MAIN, A, B, C = "m100", "m101", "m102", "m103"


def _without_talk(snap, a, b):
    return tuple(t for t in snap.talks if {t.a, t.b} != {a, b})


def test_GAP_DL_proposal_rules_are_never_blockers_and_are_labelled():
    """GAP-DL-2.5, GAP-DL-2.6, GAP-DL-2.7, GAP-DL-3.1: proposals only run as warning/info."""
    proposals = [r for r in DISTRICT.rules if r.proposal]
    assert proposals and all(r.severity != "blocker" for r in proposals)
    assert all(r.layer == "proposals" for r in proposals)
    f = fired(dl(opinions=()), "P-DL-2.5.c")
    assert f.proposal and f.label == PROPOSAL_LABEL


def test_GAP_DL_proposal_layer_can_be_switched_off():
    snap = dl()
    snap = replace(snap, talks=_without_talk(snap, MAIN, A))
    fired(snap, "P-DL-2.6.a")
    off = DISTRICT.with_layer("proposals", False)
    assert not any(r.proposal for r in off.rules)
    assert not off.layer_enabled("proposals")
    quiet(snap, "P-DL-2.6.a", off)
    assert engine.guidance_for("democratic_life", "talks", off) == []


def test_P_DL_2_5_b_only_opinion_forms_is_info():
    snap = dl()
    ops = tuple(replace(o, channel="form") for o in snap.opinions)
    assert fired(replace(snap, opinions=ops), "P-DL-2.5.b").severity == "info"


@both
def test_P_DL_2_5_c_team_and_each_leader_get_opinions_or_none_received(rb):
    snap = dl()
    f = fired(replace(snap, opinion_summary=replace(snap.opinion_summary, none_received_for=frozenset())), "P-DL-2.5.c", rb)
    assert f.objects == (MAIN, B, C) and f.severity == "info"


def test_P_DL_2_5_d_team_opinions_to_every_leader():
    snap = dl()
    fb = tuple(f for f in snap.feedback if not (f.kind == "team" and f.recipient == C))
    f = fired(replace(snap, feedback=fb), "P-DL-2.5.d")
    assert f.objects == (C,) and f.severity == "warning" and f.proposal


def test_P_DL_2_5_d_personal_opinions_fed_back_by_the_main_leader():
    snap = dl()
    fb = tuple(replace(f, by=B) if f.kind == "personal" else f for f in snap.feedback)
    assert fired(replace(snap, feedback=fb), "P-DL-2.5.d.personal").objects == ((A, "wrong_deliverer"),)
    fb_main = (*snap.feedback, FeedbackInfo("personal", MAIN, T - timedelta(days=8), by=SUPERIOR))
    ops = (*snap.opinions, replace(snap.opinions[1], id=13, target=MAIN))
    quiet(replace(snap, opinions=ops, feedback=fb_main), "P-DL-2.5.d.personal")


def test_P_DL_2_6_a_main_leader_talks_with_each_leader():
    snap = dl()
    f = fired(replace(snap, talks=_without_talk(snap, MAIN, B)), "P-DL-2.6.a")
    assert f.objects == ((MAIN, B),) and f.severity == "info"


def test_P_DL_2_6_b_leaders_talk_with_each_other():
    snap = dl()
    assert fired(replace(snap, talks=_without_talk(snap, A, C)), "P-DL-2.6.b").objects == ((A, C),)


def test_P_DL_2_6_c_leader_and_heads_of_overseen_units():
    snap = dl()
    roster = tuple(replace(p, overseen_heads=("m500",)) if p.key == B else p for p in snap.roster)
    f = fired(replace(snap, roster=roster), "P-DL-2.6.c")
    assert f.objects == ((B, "m500"),)
    talks = (*snap.talks, TalkInfo(B, "m500", held_on=T - timedelta(days=5)))
    quiet(replace(snap, roster=roster, talks=talks), "P-DL-2.6.c")


def test_P_DL_2_6_d_superior_talks_with_the_main_leader():
    snap = dl()
    assert fired(replace(snap, talks=_without_talk(snap, SUPERIOR, MAIN)), "P-DL-2.6.d").objects == ((MAIN, SUPERIOR),)


def test_P_DL_2_7_a_team_material_discussed_by_the_team():
    snap = dl()
    exams = tuple(replace(x, approved_by_main_leader=False) if x.author == TEAM else x for x in snap.self_exams)
    assert fired(replace(snap, self_exams=exams), "P-DL-2.7.a").objects == (TEAM,)


def test_P_DL_2_7_b_declaration_of_personal_writing():
    snap = dl()
    exams = tuple(replace(x, written_personally=False) if x.author == C else x for x in snap.self_exams)
    f = fired(replace(snap, self_exams=exams), "P-DL-2.7.b")
    assert f.objects == (C,) and "不作核验" in f.hint


def test_P_DL_2_7_c_previous_rectification_in_the_material():
    snap = dl()
    exams = tuple(replace(x, has_last_rectification=False) if x.author == A else x for x in snap.self_exams)
    assert fired(replace(snap, self_exams=exams), "P-DL-2.7.c").objects == (A,)
    quiet(replace(snap, self_exams=exams, previous=PreviousMeetingInfo(False)), "P-DL-2.7.c")


@both
def test_P_DL_2_7_d_two_level_review_is_a_warning_never_a_blocker(rb):
    snap = dl(stage="preparing")
    exams = tuple(
        replace(x, approved_by_main_leader=False) if x.author == A else replace(x, approved_by_superior=False) if x.author == MAIN else x
        for x in snap.self_exams
    )
    snap = replace(snap, self_exams=exams)
    f = fired(snap, "P-DL-2.7.d", rb)
    assert f.severity == "warning" and f.objects == ((A, "main_leader"), (MAIN, "superior"))
    assert engine.blockers(engine.check(snap, rb), "ready") == []


def test_P_DL_3_1_a_guide_and_chair():
    snap = dl(stage="held")
    sitting = replace(snap.sittings[0], guide="", host=A)
    assert fired(replace(snap, sittings=(sitting,)), "P-DL-3.1.a").objects == ("guide", "chair")


def test_P_DL_3_1_b_attendance_recorded_for_every_leader():
    snap = dl(stage="held")
    attendance = tuple(a for a in snap.attendance if a.person != C)
    assert fired(replace(snap, attendance=attendance), "P-DL-3.1.b").objects == ((C, "no_record"),)
    absent = (*attendance, AttendanceInfo("democratic_life", C, "absent", "", B))
    assert (C, "no_reason") in fired(replace(snap, attendance=absent), "P-DL-3.1.b").objects


@pytest.mark.parametrize("rb", [DISTRICT, NATIONAL], ids=["district-2024", "national-baseline"])
def test_P_DL_guidance_texts_are_marked_as_proposals(rb):
    """P-DL-2.6.e and P-DL-3.2.a are guidance; the UI shows them as proposals."""
    texts = dict(engine.guidance_for("democratic_life", "talks", rb))
    assert texts["P-DL-2.6.e"].startswith(f"【{PROPOSAL_LABEL}】")
    assert "P-DL-3.2.a" in dict(engine.guidance_for("democratic_life", "sitting", rb))
