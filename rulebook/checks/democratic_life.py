"""Checks specific to 民主生活会 (DL-*)."""

from __future__ import annotations

from .. import dates
from ..constants import ABSENT, OFFICES, TEAM
from ..context import Context, Hit
from ..snapshot import StatementInfo
from . import check

SITTING = "democratic_life"


@check
def dl_date_in_window(ctx: Context):
    """DL-1.2.b: the date lies in the window set by the superior 纪委 and 组织部门."""
    w, d = ctx.s.window, ctx.s.meeting_date
    if not w or d is None or w[0] <= d <= w[1]:
        return ()
    return Hit((d,), {"start": w[0], "end": w[1]})


@check
def dl_held_separately(ctx: Context):
    """DL-1.3: never merged with another meeting or topic."""
    found = []
    if ctx.s.overlapping_meetings:
        found.append(("overlap", ctx.s.overlapping_meetings))
    found += [("off_agenda", a.order) for a in ctx.s.agenda if a.sitting_kind == SITTING and a.slot is None]
    return tuple(found)


@check
def dl_theme_from_deployment(ctx: Context):
    """DL-2.1.a: the theme is the one the superior 纪委 and 组织部门 set."""
    wanted = ctx.s.deployment_theme.strip()
    if not wanted:
        return ()
    have = (ctx.s.plan.theme or "").strip()
    return () if have == wanted else Hit((have,), {"theme": wanted})


@check
def dl_theme_rationale(ctx: Context):
    """DL-2.1.b: the plan explains how the theme was chosen."""
    return () if ctx.s.plan.has_theme_rationale else ("theme_rationale",)


@check
def dl_plan_complete(ctx: Context):
    """DL-2.2.a: theme, agenda, participants, time and place."""
    p = ctx.s.plan
    fields = (("theme", bool(p.theme)), ("agenda", p.has_agenda), ("participants", p.has_participants), ("time", p.has_time), ("place", p.has_place))
    return tuple(name for name, ok in fields if not ok)


@check
def dl_plan_decided(ctx: Context):
    """DL-2.2.b: approved by the principal leader, or decided by a meeting (minutes attached)."""
    p = ctx.s.plan
    problems = []
    if p.status not in ("approved", "filed"):
        problems.append("not_decided")
    elif p.approval_mode not in ("main_leader", "collective"):
        problems.append("mode")
    elif p.approval_mode == "collective" and not p.has_decision_minutes:
        problems.append("minutes")
    return tuple(problems)


@check
def dl_plan_filed(ctx: Context):
    """DL-2.2.c: filed with both the superior 纪委 and the 组织部门."""
    return tuple(sorted(OFFICES - set(ctx.s.plan.filed_offices)))


def _before_limit(ctx: Context, lead_param: str):
    t = ctx.meeting_day
    return None if t is None else dates.days_before(t, ctx.param(lead_param), ctx.counting)


@check
def dl_plan_filed_on_time(ctx: Context):
    """DL-2.2.c: filed at least `dl_plan_report_lead_days` before the meeting ("15日前").
    Also fires when the meeting is later moved earlier than filing date + lead days."""
    latest = _before_limit(ctx, "dl_plan_report_lead_days")
    if latest is None:
        return ()
    filed = ctx.s.plan.filed_on
    if filed is not None:
        return Hit(("late", filed), {"latest": latest}) if filed > latest else ()
    return Hit(("missed", latest), {"latest": latest}) if ctx.s.today > latest else ()


@check
def dl_notice_on_time(ctx: Context):
    """DL-2.3.a: the public notice is out at least `dl_public_notice_lead_days` before."""
    latest = _before_limit(ctx, "dl_public_notice_lead_days")
    published = [n.published_on for n in ctx.s.notices if n.kind == "meeting_notice" and n.published_on]
    values = {"latest": latest or ""}
    if not published:
        return Hit(("missing",), values)
    if latest is not None and min(published) > latest:
        return Hit(("late", min(published)), values)
    return ()


def _meeting_notice(ctx: Context):
    return next((n for n in ctx.s.notices if n.kind == "meeting_notice"), None)


@check
def dl_notice_content(ctx: Context):
    """DL-2.3.b: time, theme and how to give opinions."""
    n = _meeting_notice(ctx)
    if n is None:
        return ()
    return tuple(name for name, ok in (("time", n.has_time), ("theme", n.has_theme), ("channels", n.has_channels)) if not ok)


@check
def dl_notice_form_scope(ctx: Context):
    """DL-2.3.c: the form and the audience are recorded."""
    n = _meeting_notice(ctx)
    if n is None:
        return ()
    return tuple(name for name, ok in (("form", bool(n.form)), ("scope", bool(n.scope))) if not ok)


@check
def dl_self_exams_exist(ctx: Context):
    """DL-3.2.c/d (derived; GAP-DL-2.7): the team's material and every leader's exist before
    the meeting, since the agenda cannot run without them."""
    return tuple(k for k in (TEAM, *ctx.roster) if ctx.exam(k) is None)


@check
def dl_self_exam_content(ctx: Context):
    """DL-3.3.b: not only work, achievements or the collective: 思想, 问题 and 个人 sections."""
    out = []
    for k in ctx.roster:
        x = ctx.exam(k)
        if x is None or x.has_upload:
            continue
        gaps = [n for n, ok in (("thought", x.has_thought), ("problems", x.has_problems), ("personal", x.has_personal)) if not ok]
        if x.only_achievements:
            gaps.append("only_achievements")
        if gaps:
            out.append((k, *gaps))
    return tuple(out)


# -- the agenda (DL-3.2) -----------------------------------------------------------------


def _agenda(ctx: Context):
    return sorted((a for a in ctx.s.agenda if a.sitting_kind == SITTING), key=lambda a: a.order)


@check
def dl_agenda_opening_first(ctx: Context):
    """DL-3.2.a: the chair's opening (slot ①) comes first."""
    agenda = _agenda(ctx)
    if not agenda:
        return ("agenda",)
    return () if agenda[0].slot == 1 else ("opening",)


@check
def dl_agenda_has_slot(ctx: Context, slot: int):
    """DL-3.2.b–g: the fixed agenda slot is on the record."""
    return () if any(a.slot == slot for a in _agenda(ctx)) else (slot,)


@check
def dl_previous_ledger(ctx: Context):
    """DL-3.2.b: the previous meeting's rectification ledger can be reported."""
    prev = ctx.s.previous
    return ("no_ledger",) if prev is not None and prev.exists and prev.items_total == 0 else ()


def _round(st: StatementInfo) -> str | None:
    if st.subject:
        return st.subject
    if st.kind in ("self", "response"):
        return st.speaker
    return st.target if st.kind == "mutual" and st.target != TEAM else None


@check
def dl_team_examination(ctx: Context):
    """DL-3.2.c: the main leader presents the team's self-examination."""
    said = ctx.statements.get(SITTING, [])
    ok = any(st.kind == "report" and st.speaker == ctx.main_leader for st in said)
    return () if ok else ("team_report",)


@check
def dl_team_comments(ctx: Context):
    """DL-3.2.c: the other members comment on the team's self-examination."""
    said = ctx.statements.get(SITTING, [])
    if not any(st.kind == "report" for st in said):
        return ()
    present = ctx.present(SITTING) or set(ctx.roster)
    commented = {st.speaker for st in said if st.kind == "mutual" and st.target == TEAM}
    return tuple(k for k in ctx.other_leaders if k in present and k not in commented)


def _round_parts(ctx: Context, key: str) -> tuple[bool, bool]:
    said = [st for st in ctx.statements.get(SITTING, []) if _round(st) == key]
    return any(st.kind == "self" and st.speaker == key for st in said), any(st.kind == "response" and st.speaker == key for st in said)


@check
def dl_main_leader_round(ctx: Context):
    """DL-3.2.d: the main leader's own self-criticism first, then criticism, then their response."""
    if not ctx.main_leader:
        return ("main_leader",)
    has_self, has_response = _round_parts(ctx, ctx.main_leader)
    return tuple(n for n, ok in (("self", has_self), ("response", has_response)) if not ok)


@check
def dl_member_rounds(ctx: Context):
    """DL-3.2.e: every other present member goes through the same round."""
    present = ctx.present(SITTING) or set(ctx.roster)
    out = []
    for k in ctx.other_leaders:
        if k not in present:
            continue
        has_self, has_response = _round_parts(ctx, k)
        out += [(k, n) for n, ok in (("self", has_self), ("response", has_response)) if not ok]
    return tuple(out)


@check
def dl_commentary_after_rounds(ctx: Context):
    """DL-3.2.f: the guiding leader's commentary (slot ⑥) after all the rounds (⑤)."""
    if ctx.s.commentary is None:
        return ("commentary",)
    agenda = _agenda(ctx)
    six = [a.order for a in agenda if a.slot == 6]
    five = [a.order for a in agenda if a.slot == 5]
    if six and five and min(six) < max(five):
        return ("order",)
    return ()


@check
def dl_closing_last(ctx: Context):
    """DL-3.2.g: the summary (slot ⑦) closes the agenda."""
    if ctx.s.closing is None:
        return ("closing",)
    agenda = _agenda(ctx)
    if agenda and agenda[-1].slot != 7:
        return ("order",)
    return ()


@check
def dl_opinions_addressed(ctx: Context):
    """DL-3.3.a: every opinion about a person is taken up in the criticism."""
    return tuple(o.id for o in ctx.s.opinions if o.target != TEAM and not o.answered)


@check
def dl_round_order(ctx: Context):
    """DL-3.3.c: team first (③), then the main leader (④), then the others (⑤)."""
    said = ctx.statements.get(SITTING, [])
    out = []
    last_slot = 0
    for st in said:
        if st.slot is not None:
            if st.slot < last_slot:
                out.append((st.seq, "slot"))
            last_slot = max(last_slot, st.slot)
    main = ctx.main_leader
    first_main = next((st.seq for st in said if _round(st) == main), None)
    first_other = next((st.seq for st in said if _round(st) and _round(st) != main), None)
    if first_other is not None and (first_main is None or first_other < first_main):
        out.append((first_other, "main_leader_first"))
    first_report = next((st.seq for st in said if st.kind == "report"), None)
    first_round = next((st.seq for st in said if _round(st)), None)
    if first_round is not None and (first_report is None or first_round < first_report):
        out.append((first_round, "team_first"))
    return tuple(out)


@check
def dl_member_order(ctx: Context):
    """DL-3.3.d: the other members follow in the plan's order (rank)."""
    said = ctx.statements.get(SITTING, [])
    seen: list[str] = []
    others = set(ctx.other_leaders)
    for st in said:
        r = _round(st)
        if r in others and r not in seen:
            seen.append(r)
    expected = [k for k in ctx.other_leaders if k in seen]
    return () if seen == expected else Hit(tuple(seen), {"expected": "、".join(expected)})


@check
def dl_criticism_pairs(ctx: Context):
    """DL-3.3.e: after each self-examination, every other person criticises the subject."""
    present = ctx.present(SITTING) or set(ctx.roster)
    people = [k for k in ctx.roster if k in present]
    done = {(st.speaker, st.target) for st in ctx.statements.get(SITTING, []) if st.kind == "mutual"}
    return tuple((a, b) for b in people for a in people if a != b and (a, b) not in done)


@check
def dl_response_closes_round(ctx: Context):
    """DL-3.3.f: each round ends with the subject's response before the next round starts."""
    said = ctx.statements.get(SITTING, [])
    rounds: dict[str, list[StatementInfo]] = {}
    order: list[str] = []
    for st in said:
        r = _round(st)
        if r is None:
            continue
        if r not in rounds:
            rounds[r] = []
            order.append(r)
        rounds[r].append(st)
    absent = {k for k, a in ctx.attendance.get(SITTING, {}).items() if a.mode == ABSENT}
    out = []
    for i, r in enumerate(order):
        items = rounds[r]
        responses = [st.seq for st in items if st.kind == "response" and st.speaker == r]
        if not responses:
            # An absent subject cannot answer; the criticism is relayed after the meeting (DL-3.3.j).
            if r not in absent:
                out.append((r, "no_response"))
            continue
        last = max(responses)
        if any(st.seq > last for st in items if st.kind == "mutual"):
            out.append((r, "response_not_last"))
        if i + 1 < len(order) and rounds[order[i + 1]][0].seq < last:
            out.append((r, "next_round_started"))
    return tuple(out)


@check
def dl_absent_proxy(ctx: Context):
    """DL-3.3.i: an absent member's outline is read out by a colleague; the reason is recorded."""
    out = []
    for key, a in ctx.attendance.get(SITTING, {}).items():
        if a.mode != ABSENT:
            continue
        if not a.absence_reason:
            out.append((key, "reason"))
        if not a.proxy:
            out.append((key, "proxy"))
    return tuple(out)


@check
def dl_absent_feedback(ctx: Context):
    """DL-3.3.j: the criticism is passed on to the absent member within
    `dl_absent_feedback_days` ("及时"; the number is a suggested default)."""
    if ctx.ended_on is None:
        return ()
    due = dates.days_after(ctx.ended_on, ctx.param("dl_absent_feedback_days"), ctx.counting)
    absent = [k for k, a in ctx.attendance.get(SITTING, {}).items() if a.mode == ABSENT]
    out = []
    for k in absent:
        delivered = [f.delivered_on for f in ctx.s.feedback if f.kind == "absent_criticism" and f.recipient == k and f.delivered_on]
        if not delivered:
            if ctx.s.today > due:
                out.append((k, "overdue"))
        elif min(delivered) > due:
            out.append((k, "late"))
    return Hit(tuple(out), {"due": due}) if out else ()


@check
def dl_commentary_sections(ctx: Context):
    """DL-3.4.a: preparation, criticism and effect, by the guiding leader."""
    c = ctx.s.commentary
    if c is None:
        return ("commentary",)
    return tuple(n for n, ok in (("preparation", c.has_preparation), ("criticism", c.has_criticism), ("effect", c.has_effect), ("guide", c.by_guide)) if not ok)


@check
def dl_closing_content(ctx: Context):
    """DL-3.4.c: the main leader's summary: shortcomings, rectification opinions, commitment,
    with reference to the commentary."""
    c = ctx.s.closing
    if c is None:
        return ()
    out = []
    if ctx.main_leader and c.author and c.author != ctx.main_leader:
        out.append("author")
    out += [
        n
        for n, ok in (("shortcomings", c.has_shortcomings), ("rectification_opinions", c.has_rectification_opinions), ("commitment", c.has_commitment))
        if not ok
    ]
    if not c.after_commentary:
        out.append("order")
    return tuple(out)


# -- after the meeting -------------------------------------------------------------------


@check
def dl_team_rectification(ctx: Context):
    """DL-4.1.a: a team rectification plan: organisation-level items with deadline and owner."""
    team_items = [i for i in ctx.s.items if i.scope == "organization"]
    if not team_items:
        return ("no_team_items",)
    return tuple(i.id for i in team_items if i.deadline is None or not i.owner)


@check
def dl_personal_items(ctx: Context):
    """DL-4.1.b: every leader has at least one personal rectification item."""
    owners = {i.owner for i in ctx.s.items if i.scope == "personal"}
    return tuple(k for k in ctx.roster if k not in owners)


@check
def dl_circular_published(ctx: Context):
    """DL-4.3.a: a circular is published before the meeting is closed."""
    c = ctx.s.circular
    return () if c is not None and c.published_on else ("circular",)


@check
def dl_circular_overdue(ctx: Context):
    """DL-4.3.a: within `dl_circular_within_months` calendar month(s) ("一个月内", see dates.py)."""
    if ctx.ended_on is None:
        return ()
    due = dates.months_after(ctx.ended_on, int(ctx.param("dl_circular_within_months")), ctx.counting)
    published = ctx.s.circular.published_on if ctx.s.circular else None
    if published is None:
        return Hit(("overdue", due), {"due": due}) if ctx.s.today > due else ()
    return Hit(("late", published), {"due": due}) if published > due else ()


@check
def dl_circular_scope(ctx: Context):
    """DL-4.3.b: the circular records its scope and form."""
    c = ctx.s.circular
    if c is None or not c.published_on:
        return ()
    return tuple(n for n, ok in (("scope", bool(c.scope)), ("form", bool(c.form))) if not ok)
