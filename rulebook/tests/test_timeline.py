"""Dated obligations and the .ics calendar (pure)."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar

from rulebook import dates, engine, ics, samples
from rulebook.snapshot import AttendanceInfo, FeedbackInfo
from rulebook.timeline import timeline

from .helpers import DISTRICT, NATIONAL, dl, ol


def _by_key(obligations):
    return {o.key: o for o in obligations}


def test_DL_2_2_c_timeline_plan_filing_and_notice_fifteen_days_before():
    snap = dl(stage="planning", today=date(2024, 11, 20), sittings=(), notices=(), report=None, circular=None, items=())
    snap = replace(snap, plan=replace(snap.plan, status="approved", filed_on=None, filed_offices=frozenset()))
    tl = _by_key(timeline(snap, DISTRICT))
    assert tl["plan.filing"].due == date(2024, 12, 5) and tl["plan.filing"].status == "due"
    assert tl["plan.filing"].clause_ids == ("DL-2.2.c",) and tl["plan.filing"].role == "main_leader"
    assert tl["plan.filing"].remind_on == date(2024, 12, 2)
    assert tl["notice.meeting"].due == date(2024, 12, 5)
    assert tl["report"].due == date(2025, 1, 4)
    assert tl["circular"].due == date(2025, 1, 20)


def test_DL_2_2_c_overdue_after_the_last_day():
    snap = dl(stage="preparing", today=date(2024, 12, 6), sittings=())
    snap = replace(snap, plan=replace(snap.plan, filed_on=None, filed_offices=frozenset()))
    assert _by_key(timeline(snap, DISTRICT))["plan.filing"].status == "overdue"


def test_DL_4_3_a_circular_due_at_month_end():
    snap = dl(meeting_date=date(2025, 1, 31), circular=None, today=date(2025, 2, 10))
    snap = replace(snap, sittings=(replace(snap.sittings[0], date=date(2025, 1, 31)),))
    assert _by_key(timeline(snap, DISTRICT))["circular"].due == date(2025, 2, 28)


def test_DL_3_3_j_absent_member_feedback_obligation():
    snap = dl(stage="rectifying", today=date(2024, 12, 30))
    attendance = (*[a for a in snap.attendance if a.person != "m103"], AttendanceInfo("democratic_life", "m103", "absent", "公出", "m102"))
    tl = _by_key(timeline(replace(snap, attendance=attendance), DISTRICT))
    o = tl["absent_feedback.m103"]
    assert (o.due, o.status, o.proposal, o.person) == (date(2024, 12, 27), "overdue", True, "m103")
    done = replace(snap, attendance=attendance, feedback=(*snap.feedback, FeedbackInfo("absent_criticism", "m103", date(2024, 12, 29))))
    o = _by_key(timeline(done, DISTRICT))["absent_feedback.m103"]
    assert o.status == "done" and o.late


def test_OL_timeline_of_a_finished_meeting_is_all_done():
    tl = timeline(samples.org_life(), DISTRICT)
    assert {o.status for o in tl} == {"done"}
    keys = [o.key for o in tl]
    assert {"plan.approval", "study", "opinions", "talks", "materials", "meeting", "report", "appraisal", "notice.problem_list"} <= set(keys)
    assert keys[-1] in ("notice.rectification", "plan.approval")  # undated obligations come last


def test_OL_4_2_a_report_date_rests_on_a_proposed_number():
    o = _by_key(timeline(samples.org_life(), DISTRICT))["report"]
    assert o.proposal and o.due == samples.OL_DAY + timedelta(days=15)


def test_OL_2_4_talks_obligation_follows_the_coverage():
    snap = ol(stage="preparing", today=samples.OL_DAY - timedelta(days=3))
    snap = replace(snap, talks=snap.talks[1:])
    o = _by_key(timeline(snap, DISTRICT))["talks"]
    assert o.status == "due" and "OL-2.4.a" in o.clause_ids


def test_OL_4_3_c_items_carry_their_deadlines_and_owners():
    snap = ol(stage="rectifying", today=date(2025, 2, 1))
    snap = replace(snap, items=(replace(snap.items[0], status="open", closed_on=None), snap.items[1]))
    o = _by_key(timeline(snap, DISTRICT))["item.1"]
    assert o.status == "overdue" and o.due == snap.items[0].deadline and o.role == "secretary"


def test_timeline_without_a_date_has_no_deadlines():
    snap = dl(meeting_date=None, sittings=(), stage="planning", window=None)
    tl = timeline(snap, DISTRICT)
    assert all(o.due is None for o in tl if o.key in ("plan.filing", "notice.meeting", "report", "circular"))


def test_talks_obligation_absent_when_dl_proposals_are_off():
    off = DISTRICT.with_layer("proposals", False)
    assert "talks" not in _by_key(timeline(samples.democratic_life(), off))


def test_ics_has_one_event_per_dated_obligation_with_stable_uids():
    snap = dl(stage="preparing", today=date(2024, 11, 20))
    snap = replace(snap, plan=replace(snap.plan, filed_on=None, filed_offices=frozenset()))
    tl = timeline(snap, DISTRICT)
    now = datetime(2024, 11, 20, tzinfo=UTC)
    raw = ics.to_ics(tl, name="测试民主生活会", uid_prefix="meeting-2", url="https://example.org/m/2", now=now)
    assert raw == ics.to_ics(tl, name="测试民主生活会", uid_prefix="meeting-2", url="https://example.org/m/2", now=now)
    cal = Calendar.from_ical(raw)
    events = [c for c in cal.walk() if c.name == "VEVENT"]
    assert len(events) == len([o for o in tl if o.due])
    filing = next(e for e in events if str(e["uid"]) == "meeting-2-plan.filing@shenghuohui")
    assert filing.decoded("dtstart") == date(2024, 12, 5)
    assert "DL-2.2.c" in str(filing["description"])
    assert any(c.name == "VALARM" for c in filing.walk())
    assert str(cal["x-wr-calname"]) == "测试民主生活会"


def test_engine_and_timeline_agree_on_the_report_deadline():
    """The DL-4.2.a rule and the timeline use the same date arithmetic."""
    snap = dl(stage="rectifying", report=None, today=date(2025, 1, 5))
    f = next(f for f in engine.check(snap, DISTRICT) if f.rule_id == "DL-4.2.a")
    o = _by_key(timeline(snap, DISTRICT))["report"]
    assert "2025年1月4日" in f.message and o.due == date(2025, 1, 4) and o.status == "overdue"


def test_display_rows_carry_the_chinese_dates_and_labels_the_page_shows():
    from rulebook.timeline import Obligation, display_rows

    base = Obligation(key="plan.filing", title="方案报备", due=date(2026, 12, 5), status="overdue", clause_ids=("DL-2.2.c", "DL-2.2.d"), role="secretary")
    late = replace(base, status="done", late=True, done_on=date(2026, 12, 9))
    undated = replace(base, due=None, status="due", proposal=True)
    rows = display_rows([base, late, undated])
    assert [r["due"] for r in rows] == ["2026年12月5日", "2026年12月5日", "尽早"]
    assert [r["status_label"] for r in rows] == ["已逾期", "已完成（逾期完成）", "待办"]
    assert [r["badge"] for r in rows] == ["badge-red", "badge-green", "badge-amber"]
    assert rows[1]["done_on"] == "12月9日" and rows[0]["done_on"] == ""
    assert rows[0]["clauses"] == "DL-2.2.c、DL-2.2.d" and rows[0]["role"] == "党组织书记" and rows[2]["proposal"]


def test_OL_1_2_a_slot_ends_with_the_half_window_or_the_rounds_window():
    """OL-1.2.a: a 组织生活会 is due by the end of its half's window (the district's year-end
    window runs into January); the window the superior set for the round comes first."""
    params = DISTRICT.params
    assert dates.slot_end(kind="org_life", half="mid_year", year=2026, window_end=None, params=params) == date(2026, 8, 31)
    assert dates.slot_end(kind="org_life", half="year_end", year=2026, window_end=None, params=params) == date(2027, 1, 31)
    assert dates.slot_end(kind="org_life", half="year_end", year=2026, window_end=date(2026, 12, 20), params=params) == date(2026, 12, 20)
    assert dates.slot_end(kind="org_life", half="", year=2026, window_end=None, params=params) is None


def test_OL_1_2_a_one_meeting_a_year_leaves_the_mid_year_slot_without_a_deadline():
    """`ol_meetings_per_year`: the district asks for two 组织生活会 a year, the national baseline
    for one (at year-end, its window ending with December)."""
    assert DISTRICT.param("ol_meetings_per_year") == 2 and NATIONAL.param("ol_meetings_per_year") == 1
    assert dates.slot_end(kind="org_life", half="mid_year", year=2026, window_end=None, params=NATIONAL.params) is None
    assert dates.slot_end(kind="org_life", half="year_end", year=2026, window_end=None, params=NATIONAL.params) == date(2026, 12, 31)
    by_key = _by_key(timeline(ol(half="mid_year", year=2026), NATIONAL))
    assert "slot" not in by_key and "slot" in _by_key(timeline(ol(half="mid_year", year=2026), DISTRICT))


def test_DL_1_2_a_slot_is_the_deployment_window_or_the_year_and_none_for_a_special_meeting():
    """DL-1.2.a: the yearly 民主生活会 is held within the window set by the superior, else within
    its year; a special meeting is extra and has no slot."""
    params = DISTRICT.params
    assert dates.slot_end(kind="democratic_life", half="", year=2026, window_end=None, params=params) == date(2026, 12, 31)
    assert dates.slot_end(kind="democratic_life", half="", year=2026, window_end=date(2027, 1, 15), params=params) == date(2027, 1, 15)
    assert dates.slot_end(kind="democratic_life", half="", year=2026, window_end=None, params=params, special=True) is None


def test_OL_1_2_a_timeline_shows_the_slot_overdue_until_the_meeting_is_held():
    waiting = ol(half="mid_year", year=2026, meeting_date=None, sittings=(), stage="preparing", today=date(2026, 9, 1))
    slot = _by_key(timeline(waiting, DISTRICT))["slot"]
    assert (slot.due, slot.status, slot.clause_ids, slot.role) == (date(2026, 8, 31), "overdue", ("OL-1.2.a",), "secretary")
    held = _by_key(timeline(ol(half="mid_year", year=2026, today=date(2026, 9, 1)), DISTRICT))["slot"]
    assert held.status == "done"
