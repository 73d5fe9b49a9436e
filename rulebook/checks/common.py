"""Checks shared by both meeting kinds (the rule files decide which clause each one serves)."""

from __future__ import annotations

from .. import dates
from ..constants import PLAN_DECIDED, TEAM
from ..context import Context, Hit
from . import check

# -- organisation ------------------------------------------------------------------------


@check
def meeting_org_kind(ctx: Context, kinds: list[str]):
    """OL-1.3.a (per 党支部), DL-0.3 (区委常委、党（工）委、党组 teams)."""
    return () if ctx.s.organization.kind in kinds else (ctx.s.organization.kind,)


@check
def plan_decided(ctx: Context):
    """The plan is approved (OL-2.1.c: by the superior; DL-2.2.b: internally)."""
    return () if ctx.s.plan.status in PLAN_DECIDED else (ctx.s.plan.status,)


# -- "会前": records that do not count -----------------------------------------------------


@check
def prep_records_after_meeting(ctx: Context):
    """OL-2.0 / DL-2.0: preparation records dated after the meeting do not count."""
    t = ctx.meeting_day
    if t is None:
        return ()
    late = [("talk", x.a, x.b, x.held_on) for x in ctx.s.talks if x.held_on and x.held_on > t]
    late += [("opinion", o.id, o.received_on) for o in ctx.s.opinions if o.received_on and o.received_on > t]
    late += [("feedback", f.recipient, f.delivered_on) for f in ctx.s.feedback if f.kind != "absent_criticism" and f.delivered_on and f.delivered_on > t]
    late += [("self_exam", x.author, x.submitted_on) for x in ctx.s.self_exams if x.submitted_on and x.submitted_on > t]
    return tuple(late)


@check
def study_sessions_after_meeting(ctx: Context, before_self_exams: bool = False):
    """OL-2.2.e / DL-2.4.e: study sessions after the meeting do not count; with
    `before_self_exams`, also point out study after a self-examination was submitted (DL-2.4.e)."""
    late = [("after_meeting", s.date) for s in ctx.s.study_sessions if not ctx.before(s.date)]
    if before_self_exams:
        submitted = [x.submitted_on for x in ctx.s.self_exams if x.submitted_on]
        if submitted:
            first = min(submitted)
            late += [("after_self_exam", s.date) for s in ctx.s.study_sessions if ctx.before(s.date) and s.date > first]
    return tuple(late)


# -- study -------------------------------------------------------------------------------


def _counted_sessions(ctx: Context):
    return [s for s in ctx.s.study_sessions if ctx.before(s.date)]


@check
def reading_list(ctx: Context):
    """OL-2.2.a / DL-2.4.a: a non-empty required-reading list."""
    return () if ctx.s.reading_count > 0 else ("reading",)


@check
def study_participation(ctx: Context):
    """OL-2.2.b / DL-2.4.b: everyone on the roster has some study record."""
    studied = {t.person for t in ctx.s.study if t.total_hours > 0 or t.flexible}
    return tuple(k for k in ctx.roster if k not in studied)


@check
def study_both_types(ctx: Context):
    """OL-2.2.c / DL-2.4.c: concentrated study and self-study are combined."""
    sessions = _counted_sessions(ctx)
    missing = []
    if not any(s.concentrated for s in sessions):
        missing.append("concentrated")
    if not any(not s.concentrated for s in sessions):
        missing.append("self")
    return tuple(missing)


def _days(ctx: Context, concentrated_only: bool) -> float:
    hours = sum(s.hours for s in _counted_sessions(ctx) if s.concentrated or not concentrated_only)
    per_day = float(ctx.param("study_day_hours")) or 1.0
    return round(hours / per_day, 2)


@check
def study_days_total(ctx: Context, minimum: str, tolerance: str | None = None):
    """OL-2.2.d (≥ `ol_study_min_days`) / DL-2.4.d (about `dl_study_typical_days` ± tolerance)."""
    need = float(ctx.param(minimum)) - (float(ctx.param(tolerance)) if tolerance else 0.0)
    have = _days(ctx, concentrated_only=False)
    return Hit((have,), {"days": have, "need": need}) if have < need else ()


@check
def study_days_concentrated(ctx: Context, minimum: str):
    """OL-2.2.d / DL-2.4.d: the concentrated part."""
    need = float(ctx.param(minimum))
    have = _days(ctx, concentrated_only=True)
    return Hit((have,), {"days": have, "need": need}) if have < need else ()


# -- opinions ----------------------------------------------------------------------------


def _subjects(ctx: Context, subjects: str) -> tuple[str, ...]:
    people = ctx.committee if subjects == "committee" else ctx.roster
    return (TEAM, *people)


@check
def opinion_coverage(ctx: Context, subjects: str = "committee"):
    """OL-2.3.b / P-DL-2.5.c: the team and each committee member (leader) have opinions or an
    explicit "none received"."""
    covered = ctx.team_opinion_targets | set(ctx.s.opinion_summary.none_received_for if ctx.s.opinion_summary else ())
    return tuple(k for k in _subjects(ctx, subjects) if k not in covered)


@check
def opinion_summary_frozen(ctx: Context):
    """OL-2.3.c / DL-2.5.a: the written summary exists (frozen). Its date is not compared with
    the meeting day: a summary re-frozen after the meeting (e.g. for the report package) must
    not turn this gate into a blocker for the later stages."""
    summary = ctx.s.opinion_summary
    return () if summary and summary.frozen_on else ("summary",)


@check
def opinion_channels(ctx: Context, only: str | None = None):
    """OL-2.3.a: several channels, not one; P-DL-2.5.b: more than the 征求意见表 alone."""
    used = {o.channel for o in ctx.s.opinions if o.channel}
    if not used:
        return ()
    if only is not None:
        return (only,) if used == {only} else ()
    return tuple(used) if len(used) == 1 else ()


@check
def team_feedback(ctx: Context, recipients: str = "committee"):
    """OL-2.3.d / P-DL-2.5.d: team-level opinions are communicated to every committee member
    (leader) before the meeting."""
    if not any(o.target == TEAM for o in ctx.s.opinions):
        return ()
    people = ctx.committee if recipients == "committee" else ctx.roster
    got = {f.recipient for f in ctx.s.feedback if f.kind == "team" and ctx.before(f.delivered_on)}
    return tuple(k for k in people if k not in got)


@check
def personal_feedback(ctx: Context, recipients: str = "committee", deliverer: str = "secretary"):
    """OL-2.3.e / P-DL-2.5.d: opinions about a person are fed back to that person by the
    principal leader; opinions about the principal leader come from the superior (a person
    off the roster, "u…")."""
    people = ctx.committee if recipients == "committee" else ctx.roster
    giver = ctx.secretary if deliverer == "secretary" else ctx.main_leader
    concerned = {o.target for o in ctx.s.opinions if o.target != TEAM}
    missing = []
    for key in people:
        if key not in concerned:
            continue
        delivered = [f for f in ctx.s.feedback if f.kind == "personal" and f.recipient == key and ctx.before(f.delivered_on)]
        if not delivered:
            missing.append((key, "missing"))
            continue
        expected_ok = (lambda by: by.startswith("u")) if key == giver else (lambda by: by == giver)
        if not any(expected_ok(f.by) for f in delivered if f.by):
            missing.append((key, "wrong_deliverer"))
    return tuple(missing)


# -- talks -------------------------------------------------------------------------------


@check
def talk_pairs(ctx: Context, clause: str):
    """OL-2.4.a–f and P-DL-2.6.a–d: the missing pairs (or people short of talks) of one clause."""
    return ctx.talk_coverage.missing_for(clause)


# -- self-examination --------------------------------------------------------------------


@check
def self_exam_sections(ctx: Context, doc_kinds: list[str]):
    """OL-2.5.g: 问题查摆 / 原因剖析 / 整改措施 are all filled in — unless a file was uploaded
    instead (OL-2.5.h: no uniform format is imposed and length is never judged)."""
    missing = []
    for x in ctx.s.self_exams:
        if x.doc_kind not in doc_kinds or x.has_upload:
            continue
        gaps = [name for name, ok in (("problems", x.has_problems), ("causes", x.has_causes), ("measures", x.has_measures)) if not ok]
        if gaps:
            missing.append((x.author, *gaps))
    return tuple(missing)


# -- the sitting -------------------------------------------------------------------------


@check
def criticism_targeted(ctx: Context):
    """OL-3.1.h / DL-3.3.h: every criticism names its target and states a concrete problem."""
    return tuple((st.sitting_kind, st.seq) for st in ctx.s.statements if st.kind == "mutual" and (not st.target or not st.has_content))


@check
def criticism_has_suggestion(ctx: Context):
    """OL-3.1.g: mutual criticism comes with an improvement suggestion."""
    return tuple((st.sitting_kind, st.seq) for st in ctx.s.statements if st.kind == "mutual" and st.speaker.startswith("m") and not st.has_suggestion)


@check
def commentary_guidance(ctx: Context):
    """OL-3.2.b / DL-3.4.b: the commentary gives guidance for the next steps."""
    c = ctx.s.commentary
    if c is None:
        return ()
    return () if c.guidance_count > 0 else ("guidance",)


@check
def closing_present(ctx: Context, author: str = "secretary"):
    """OL-3.3.a / DL-3.4.c: a closing summary, after the commentary, by the principal leader."""
    closing = ctx.s.closing
    if closing is None:
        return ("closing",)
    expected = ctx.secretary if author == "secretary" else ctx.main_leader
    problems = []
    if not closing.after_commentary:
        problems.append("order")
    if expected and closing.author and closing.author != expected:
        problems.append("author")
    return tuple(problems)


# -- rectification -----------------------------------------------------------------------


@check
def problems_collected(ctx: Context):
    """OL-4.1.a: problems are drawn from the meeting, the ballot and the public."""
    return () if ctx.s.problems else ("problems",)


@check
def problems_classified(ctx: Context):
    """OL-4.1.b: each problem is the organisation's or a person's, with a responsible owner."""
    return tuple(p.id for p in ctx.s.problems if not p.scope or not p.owner)


@check
def items_complete(ctx: Context):
    """OL-4.1.c / DL-4.1.a: each item has 目标、途径、责任、时限."""
    return tuple((i.id, *i.missing) for i in ctx.s.items if i.missing or i.deadline is None or not i.owner)


@check
def problems_without_items(ctx: Context):
    """OL-4.1.c: every problem gets at least one rectification measure."""
    return tuple(p.id for p in ctx.s.problems if p.item_count == 0)


@check
def report_package(ctx: Context):
    """OL-4.2.a / DL-4.2.b: the package has the minutes scan and the opinion summaries."""
    r = ctx.s.report
    if r is None:
        return ("report",)
    missing = []
    if not r.has_minutes_scan:
        missing.append("minutes_scan")
    if not r.has_opinion_summary:
        missing.append("opinion_summary")
    return tuple(missing)


@check
def report_situation(ctx: Context):
    """OL-4.2.b / DL-4.2.c: the situation report (four sections) is in the package."""
    r = ctx.s.report
    return () if r is not None and r.has_situation_report else ("situation_report",)


@check
def report_overdue(ctx: Context, days: str):
    """OL-4.2.a / DL-4.2.a: the report is due `days` after the meeting ("N日内", see dates.py)."""
    if ctx.ended_on is None:
        return ()
    due = dates.days_after(ctx.ended_on, ctx.param(days), ctx.counting)
    submitted = ctx.s.report.submitted_on if ctx.s.report else None
    if submitted is None:
        return Hit(("overdue", due), {"due": due}) if ctx.s.today > due else ()
    return Hit(("late", submitted), {"due": due}) if submitted > due else ()


@check
def items_overdue(ctx: Context):
    """OL-4.3.a / DL-4.4.a: open items past their deadline."""
    return tuple((i.id, i.deadline) for i in ctx.open_items if i.status != "draft" and i.deadline and i.deadline < ctx.s.today)


@check
def items_closed(ctx: Context):
    """OL-4.3.c / DL-4.4.c: every item closed (销号) before the meeting is closed."""
    return tuple(i.id for i in ctx.open_items)
