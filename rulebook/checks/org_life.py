"""Checks specific to 组织生活会 (OL-*)."""

from __future__ import annotations

from .. import dates
from ..constants import ABSENT, FLEXIBLE_MODES, FLOW_MODE, TEAM
from ..context import Context, Hit
from . import check

ANY_EXAM = ("brief_check", "check", "outline")
REPORT_KINDS = ("brief_check", "check")


@check
def ol_half_window(ctx: Context):
    """OL-1.2.a: mid-year and year-end meetings fall in their windows (`ol_mid_year_window`,
    `ol_year_end_window`: suggested defaults, the text gives no months)."""
    s = ctx.s
    if s.half not in ("mid_year", "year_end"):
        return ("half",)
    if s.meeting_date is None:
        return ()
    year = s.year or s.meeting_date.year
    start, end = dates.slot_window(ctx.param("ol_mid_year_window" if s.half == "mid_year" else "ol_year_end_window"), year)
    if start <= s.meeting_date <= end:
        return ()
    return Hit((s.meeting_date,), {"start": start, "end": end})


@check
def ol_yearend_appraisal(ctx: Context):
    """OL-1.2.b: the year-end meeting is combined with 民主评议党员 (when the rulebook says 应)."""
    if not ctx.param("ol_yearend_combined_with_appraisal") or ctx.s.half != "year_end":
        return ()
    a = ctx.s.appraisal
    if a is None or not a.exists:
        return ("appraisal",)
    return () if a.ratings_final else ("ratings",)


def _general_attendance(ctx: Context):
    return ctx.attendance.get("general", {})


@check
def ol_attendance(ctx: Context):
    """OL-1.3.b: every member takes part; flexible forms count (OL-1.3.d/e)."""
    if ctx.sitting("general") is None:
        return ()
    seen = _general_attendance(ctx)
    missing = []
    for key in ctx.roster:
        a = seen.get(key)
        if a is None:
            missing.append((key, "no_record"))
        elif a.mode == ABSENT:
            missing.append((key, "absent" if a.absence_reason else "absent_no_reason"))
    return tuple(missing)


@check
def ol_leading_cadres(ctx: Context):
    """OL-1.3.c: leading cadres attend their branch's meeting as ordinary members."""
    if ctx.sitting("general") is None:
        return ()
    seen = _general_attendance(ctx)
    return tuple(p.key for p in ctx.s.roster if p.is_leading_cadre and (p.key not in seen or seen[p.key].mode == ABSENT))


@check
def ol_flexible_mode_unexpected(ctx: Context):
    """OL-1.3.d: flexible forms are meant for elderly, infirm or mobility-impaired members."""
    return tuple(
        a.person
        for a in ctx.s.attendance
        if a.mode in FLEXIBLE_MODES and a.person in ctx.people and not ctx.people[a.person].is_elderly_or_infirm and not ctx.people[a.person].is_mobile
    )


@check
def ol_flow_mode_unexpected(ctx: Context):
    """OL-1.3.e: attending at the receiving/sending organisation is for mobile members."""
    return tuple(a.person for a in ctx.s.attendance if a.mode == FLOW_MODE and a.person in ctx.people and not ctx.people[a.person].is_mobile)


@check
def ol_plan_complete(ctx: Context):
    """OL-2.1.b: time, format, participants and requirements."""
    p = ctx.s.plan
    fields = (("time", p.has_time), ("form", p.has_form), ("participants", p.has_participants), ("requirements", p.has_requirements))
    return tuple(name for name, ok in fields if not ok)


@check
def ol_opinions_specific(ctx: Context):
    """OL-2.3.f: opinions are specific (no 空对空): some name a person, none is vague."""
    ops = ctx.s.opinions
    if not ops:
        return ()
    found = [("vague", o.id) for o in ops if o.is_vague]
    if not any(o.target != TEAM for o in ops):
        found.append(("no_personal", 0))
    return tuple(found)


@check
def ol_self_exam_required(ctx: Context, doc_kinds: list[str]):
    """OL-2.5.a/b: every responsible comrade (secretary, committee member) writes a report."""
    return tuple(k for k in ctx.committee if ctx.exam(k, tuple(doc_kinds)) is None)


@check
def ol_community_self_exam(ctx: Context):
    """OL-2.5.c: the community organisation (team) and its secretary."""
    needed = [TEAM] + ([ctx.secretary] if ctx.secretary else [])
    return tuple(k for k in needed if ctx.exam(k, REPORT_KINDS) is None)


@check
def ol_community_structured(ctx: Context):
    """OL-2.5.d: community reports list problems and measures as items (an upload alone is not enough)."""
    needed = [TEAM] + ([ctx.secretary] if ctx.secretary else [])
    out = []
    for k in needed:
        x = ctx.exam(k, REPORT_KINDS)
        if x is not None and not x.has_structured_items:
            out.append(k)
    return tuple(out)


@check
def ol_problem_list_notice(ctx: Context):
    """OL-2.5.e: the community problem list is displayed to the public before the meeting."""
    ok = any(n.kind == "problem_list" and ctx.before(n.published_on) for n in ctx.s.notices)
    return () if ok else ("problem_list",)


@check
def ol_outline_required(ctx: Context):
    """OL-2.5.f: other organisations: the team and its committee members write a 发言提纲
    (a 对照检查材料 may replace it)."""
    needed = ([TEAM] if ctx.s.organization.has_committee else []) + list(ctx.committee)
    return tuple(k for k in needed if ctx.exam(k, ANY_EXAM) is None)


@check
def ol_outline_links_opinions(ctx: Context):
    """OL-2.5.f: the outline answers the problems raised by members and the public."""
    if not ctx.s.opinions:
        return ()
    return tuple(x.author for x in ctx.s.self_exams if x.doc_kind == "outline" and x.linked_opinions == 0)


@check
def ol_self_exam_reviewed(ctx: Context):
    """OL-2.5.i: the team's and the responsible comrades' materials are approved by the
    superior's principal leader."""
    authors = {TEAM, *ctx.committee}
    return tuple(sorted(x.author for x in ctx.s.self_exams if x.author in authors and not x.approved_by_superior))


# -- the sittings -------------------------------------------------------------------------


@check
def ol_sitting_order(ctx: Context):
    """OL-3.1.a: with a committee, the 支委会 is held and closed before the 党员大会."""
    committee, general = ctx.sitting("committee"), ctx.sitting("general")
    problems = []
    if committee is None:
        problems.append("committee_missing")
    if general is None:
        problems.append("general_missing")
    if committee and general:
        if committee.status != "closed" and general.status != "planned":
            problems.append("committee_not_closed")
        if committee.order >= general.order or (committee.date and general.date and committee.date > general.date):
            problems.append("order")
    return tuple(problems)


@check
def ol_committee_criticism(ctx: Context):
    """OL-3.1.b: in the 支委会, every committee member criticises themselves and each other."""
    if ctx.sitting("committee") is None:
        return ()
    present = ctx.present("committee") or set(ctx.committee)
    members = [k for k in ctx.committee if k in present]
    said = ctx.statements.get("committee", [])
    selves = {st.speaker for st in said if st.kind == "self"}
    mutual = {(st.speaker, st.target) for st in said if st.kind == "mutual"}
    missing = [("self", k) for k in members if k not in selves]
    missing += [(a, b) for a in members for b in members if a != b and (a, b) not in mutual]
    return tuple(missing)


@check
def ol_general_opens_with_report(ctx: Context):
    """OL-3.1.c: the 党员大会 opens with the secretary's report on the committee's
    self-examination, then members criticise the committee."""
    if ctx.sitting("general") is None:
        return ()
    said = ctx.statements.get("general", [])
    problems = []
    if not said or said[0].kind != "report" or said[0].speaker != ctx.secretary:
        problems.append("report_first")
    committee = {TEAM, *ctx.committee}
    if not any(st.kind == "mutual" and st.target in committee and st.speaker not in ctx.committee for st in said):
        problems.append("member_criticism")
    return tuple(problems)


@check
def ol_general_only(ctx: Context):
    """OL-3.1.d: without a committee, one 党员大会 with criticism and self-criticism."""
    general = ctx.sitting("general")
    if general is None:
        return ("general_missing",)
    if not any(st.kind == "self" for st in ctx.statements.get("general", [])):
        return ("criticism",)
    return ()


@check
def ol_secretary_first(ctx: Context):
    """OL-3.1.e: the secretary examines themselves first, criticises the committee members
    first, and responds to the criticism received."""
    sec = ctx.secretary
    if not sec:
        return ()
    committee = set(ctx.committee) - {sec}
    problems = []
    for kind, said in ctx.statements.items():
        selves = [st for st in said if st.kind == "self"]
        if selves and selves[0].speaker != sec:
            problems.append((kind, "self_first"))
        on_committee = [st for st in said if st.kind == "mutual" and st.target in committee]
        if on_committee and on_committee[0].speaker != sec:
            problems.append((kind, "criticise_first"))
        if any(st.kind == "mutual" and st.target == sec for st in said) and not any(st.kind == "response" and st.speaker == sec for st in said):
            problems.append((kind, "response"))
    return tuple(problems)


@check
def ol_answers_concerns(ctx: Context):
    """OL-3.1.f: problems of strong public concern or pointed out by the superior are each
    answered in the person's self-criticism."""
    return tuple(p.id for p in ctx.s.problems if (p.strong_public_concern or p.raised_by_superior) and p.owner.startswith("m") and not p.answered)


@check
def ol_guide_commentary(ctx: Context):
    """OL-3.2.a: a guide from the superior attends and comments."""
    problems = []
    if not any(x.guide for x in ctx.s.sittings):
        problems.append("guide")
    c = ctx.s.commentary
    if c is None or not c.by_guide:
        problems.append("commentary")
    return tuple(problems)


@check
def ol_closing_content(ctx: Context):
    """OL-3.3.b: the closing answers the guidance and the opinions, with a commitment."""
    closing = ctx.s.closing
    if closing is None:
        return ()
    problems = []
    guidance = ctx.s.commentary.guidance_count if ctx.s.commentary else 0
    if closing.guidance_answered < guidance:
        problems.append("guidance")
    if not closing.has_opinions_response:
        problems.append("opinions")
    if not closing.has_commitment:
        problems.append("commitment")
    return tuple(problems)


@check
def ol_rectification_notice(ctx: Context):
    """OL-4.1.d: the rectification measures are displayed publicly."""
    return () if any(n.kind == "rectification" and n.published_on for n in ctx.s.notices) else ("rectification_notice",)


@check
def ol_rectification_display_period(ctx: Context):
    """OL-4.1.d: displayed for at least `ol_rectification_display_days` working days."""
    need = int(ctx.param("ol_rectification_display_days"))
    short = []
    for n in ctx.s.notices:
        if n.kind != "rectification" or not n.published_on:
            continue
        if n.display_until is None or dates.working_days(n.published_on, n.display_until) < need:
            short.append((n.published_on, n.display_until))
    return Hit(tuple(short), {"need": need}) if short else ()
