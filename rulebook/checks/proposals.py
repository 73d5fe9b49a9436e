"""Checks used only by the proposal layer (P-DL-*: text missing from the source, see §GAP).
Their rules are never blockers; the UI marks their findings "提议，非本地制度原文"."""

from __future__ import annotations

from ..constants import ABSENT, TEAM
from ..context import Context
from . import check

SITTING = "democratic_life"


@check
def dl_team_exam_discussed(ctx: Context):
    """P-DL-2.7.a: the team's material is drafted under the main leader and discussed by the team."""
    x = ctx.exam(TEAM)
    return () if x is None or x.approved_by_main_leader else (TEAM,)


@check
def dl_written_personally(ctx: Context):
    """P-DL-2.7.b: each leader declares having written their material personally (the app
    records the declaration; it cannot and does not verify authorship)."""
    return tuple(k for k in ctx.roster if (x := ctx.exam(k)) is not None and not x.written_personally)


@check
def dl_self_exam_previous(ctx: Context):
    """P-DL-2.7.c: the material reports on the previous meeting's rectification."""
    prev = ctx.s.previous
    if prev is None or not prev.exists:
        return ()
    return tuple(k for k in ctx.roster if (x := ctx.exam(k)) is not None and not x.has_last_rectification and not x.has_upload)


@check
def dl_two_level_review(ctx: Context):
    """P-DL-2.7.d: members' materials reviewed by the main leader; the main leader's and the
    team's by the superior."""
    out = []
    for k in ctx.other_leaders:
        x = ctx.exam(k)
        if x is not None and not x.approved_by_main_leader:
            out.append((k, "main_leader"))
    for k in (TEAM, ctx.main_leader):
        x = ctx.exam(k) if k else None
        if x is not None and not x.approved_by_superior:
            out.append((k, "superior"))
    return tuple(out)


@check
def dl_guide_and_chair(ctx: Context):
    """P-DL-3.1.a: chaired by the main leader, with a guide from the superior."""
    s = next((x for x in ctx.s.sittings if x.kind == SITTING), None)
    if s is None:
        return ()
    out = []
    if not s.guide:
        out.append("guide")
    if ctx.main_leader and s.host and s.host != ctx.main_leader:
        out.append("chair")
    return tuple(out)


@check
def dl_attendance_recorded(ctx: Context):
    """P-DL-3.1.b: all team members attend; absence is recorded with leave."""
    s = next((x for x in ctx.s.sittings if x.kind == SITTING), None)
    if s is None:
        return ()
    seen = ctx.attendance.get(SITTING, {})
    out = [(k, "no_record") for k in ctx.roster if k not in seen]
    out += [(k, "no_reason") for k, a in seen.items() if a.mode == ABSENT and not a.absence_reason]
    return tuple(out)
