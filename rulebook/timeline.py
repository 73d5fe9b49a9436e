"""The dated obligations of one meeting, computed from its snapshot and its rulebook.

Every date comes from `rulebook.dates` (the one place where "15日前", "15日内" and
"一个月内" are interpreted) and every number from the rulebook's parameters. A step counts as
done when the rules behind it report nothing (e.g. the study is done when both study-time
rules are satisfied), so the timeline never disagrees with the checker.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from . import dates
from .checks import load_all
from .constants import ROLE_LABELS, TEAM
from .context import Context
from .engine import Rulebook
from .snapshot import MeetingSnapshot

STATUS_LABELS = {"done": "已完成", "due": "待办", "overdue": "已逾期"}


@dataclass(frozen=True)
class Obligation:
    key: str  # stable within the meeting: "plan.filing", "item.12", "absent_feedback.m7"
    title: str  # Chinese
    due: date | None  # the last day on time; None = no date limit in the rules ("尽早")
    status: str  # done | due | overdue
    clause_ids: tuple[str, ...]
    role: str  # who is responsible (accounts.choices.Role value)
    done_on: date | None = None
    starts: date | None = None  # for windows (the study)
    remind_on: date | None = None
    late: bool = False  # done, but after `due`
    proposal: bool = False  # the date rests on a proposed number, not on the source text
    person: str = ""  # person key for per-person obligations

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


def display_rows(obligations: list[Obligation]) -> list[dict]:
    """The obligations as `rulebook/_timeline.html` shows them: plain dicts with the dates and
    labels already in Chinese (the meeting page lists a dozen; the template engine is slow at
    attribute lookups and date filters)."""
    badges = {"done": "badge-green", "overdue": "badge-red"}
    return [
        {
            "due": dates.written(o.due) or "尽早",
            "title": o.title,
            "status": o.status,
            "status_label": o.status_label + ("（逾期完成）" if o.late else ""),
            "badge": badges.get(o.status, "badge-amber"),
            "proposal": o.proposal,
            "role": ROLE_LABELS.get(o.role, o.role),
            "clauses": "、".join(o.clause_ids),
            "done_on": dates.written(o.done_on, year=False),
        }
        for o in obligations
    ]


class _Builder:
    def __init__(self, snapshot: MeetingSnapshot, rulebook: Rulebook):
        self.s = snapshot
        self.rb = rulebook
        self.ctx = Context(snapshot, rulebook.params)
        self.checks = load_all()
        self.lead = int(rulebook.param("reminder_lead_days", 3))
        self.items: list[Obligation] = []

    def passes(self, name: str, **options) -> bool:
        return not self.checks[name](self.ctx, **options)

    def add(self, key, title, due, done, clauses, role, *, done_on=None, starts=None, proposal=False, person=""):
        status = "done" if done else dates.status(due, None, self.s.today)
        self.items.append(
            Obligation(
                key=key,
                title=title,
                due=due,
                status=status,
                clause_ids=tuple(clauses),
                role=role,
                done_on=done_on,
                starts=starts,
                remind_on=(due - timedelta(days=self.lead)) if due else None,
                late=bool(done and done_on and due and done_on > due),
                proposal=proposal,
                person=person,
            )
        )


def _study_done_on(ctx: Context) -> date | None:
    sessions = [x.date for x in ctx.s.study_sessions if ctx.before(x.date)]
    return max(sessions) if sessions else None


def _prepared(b: _Builder, t: date | None) -> None:
    """Study, opinions, talks and materials: all due by the meeting day (会前, see dates.py)."""
    s, ctx = b.s, b.ctx
    ol = s.kind == "org_life"
    study_ok = b.passes(
        "study_days_total", **({"minimum": "ol_study_min_days"} if ol else {"minimum": "dl_study_typical_days", "tolerance": "dl_study_tolerance_days"})
    )
    study_ok = study_ok and b.passes("study_days_concentrated", minimum="ol_study_concentrated_min_days" if ol else "dl_study_concentrated_min_days")
    b.add(
        "study",
        "会前学习（集中学习与自学）",
        t,
        study_ok,
        ["OL-2.2.d", "OL-2.2.e"] if ol else ["DL-2.4.d", "DL-2.4.e"],
        "secretary" if ol else "main_leader",
        done_on=_study_done_on(ctx) if study_ok else None,
        starts=s.plan.approved_on,
    )
    summary = s.opinion_summary
    b.add(
        "opinions",
        "征求意见并形成书面汇总",
        t,
        b.passes("opinion_summary_frozen"),
        ["OL-2.3.c"] if ol else ["DL-2.5.a"],
        "secretary" if ol else "main_leader",
        done_on=summary.frozen_on if summary else None,
    )
    talk_clauses = [p.clause for p in ctx.talk_coverage.parts]
    if ol or b.rb.layer_enabled("proposals"):
        talk_dates = [x.held_on for x in s.talks if ctx.before(x.held_on)]
        complete = all(p.complete for p in ctx.talk_coverage.parts)
        b.add(
            "talks",
            "谈心谈话" + ("" if ol else "（提议）"),
            t,
            complete,
            sorted(set(talk_clauses)) or (["OL-2.4.a"] if ol else ["P-DL-2.6.a"]),
            "secretary" if ol else "main_leader",
            done_on=max(talk_dates) if complete and talk_dates else None,
            proposal=not ol,
        )
    if ol:
        rules = [r for r in b.rb.rules_for("org_life") if r.id.startswith("OL-2.5.") and r.severity == "blocker" and r.applies.matches(s)]
        materials_ok = all(not r.fn(ctx, **r.options) for r in rules)
        clauses = sorted({c for r in rules for c in r.clause_ids}) or ["OL-2.5.i"]
    else:
        materials_ok = b.passes("dl_self_exams_exist")
        clauses = ["DL-3.2.c", "DL-3.2.d"]
    submitted = [x.submitted_on for x in s.self_exams if x.submitted_on]
    b.add(
        "materials",
        "对照检查材料（撰写与审核）",
        t,
        materials_ok,
        clauses,
        "secretary" if ol else "main_leader",
        done_on=max(submitted) if materials_ok and submitted else None,
    )


def timeline(snapshot: MeetingSnapshot, rulebook: Rulebook) -> list[Obligation]:
    """The meeting's obligations in date order (undated ones last)."""
    b = _Builder(snapshot, rulebook)
    s, ctx = snapshot, b.ctx
    t = ctx.meeting_day
    end = ctx.ended_on
    counting = ctx.counting
    ol = s.kind == "org_life"

    if ol:
        b.add("plan.approval", "工作方案报上级党组织审核", None, b.passes("plan_decided"), ["OL-2.1.c"], "secretary", done_on=s.plan.approved_on)
        if s.organization.sector == "community":
            published = [n.published_on for n in s.notices if n.kind == "problem_list" and n.published_on]
            b.add(
                "notice.problem_list",
                "问题清单和整改措施向群众公示",
                t,
                b.passes("ol_problem_list_notice"),
                ["OL-2.5.e"],
                "secretary",
                done_on=min(published) if published else None,
            )
    else:
        b.add(
            "plan.decision",
            "方案经主要负责同志审定或会议讨论决定",
            dates.days_before(t, rulebook.param("dl_plan_report_lead_days"), counting) if t else None,
            b.passes("dl_plan_decided"),
            ["DL-2.2.b"],
            "main_leader",
            done_on=s.plan.approved_on,
        )
        b.add(
            "plan.filing",
            "方案报上级纪委和组织部门",
            dates.days_before(t, rulebook.param("dl_plan_report_lead_days"), counting) if t else None,
            b.passes("dl_plan_filed"),
            ["DL-2.2.c"],
            "main_leader",
            done_on=s.plan.filed_on,
        )
        published = [n.published_on for n in s.notices if n.kind == "meeting_notice" and n.published_on]
        b.add(
            "notice.meeting",
            "向党内外群众公布会议有关事项",
            dates.days_before(t, rulebook.param("dl_public_notice_lead_days"), counting) if t else None,
            bool(published),
            ["DL-2.3.a"],
            "main_leader",
            done_on=min(published) if published else None,
        )

    _prepared(b, t)

    held = bool(s.sittings) and all(x.status == "closed" for x in s.sittings)
    slot_end = (
        dates.slot_end(kind=s.kind, half=s.half, year=s.year, window_end=s.window[1] if s.window else None, params=rulebook.params, special=s.special)
        if s.year
        else None
    )
    if slot_end:
        b.add(
            "slot",
            "在会期内召开" + ("（年中）" if s.half == "mid_year" else "（年底）" if s.half == "year_end" else ""),
            slot_end,
            held,
            ["OL-1.2.a"] if ol else ["DL-1.2.a"],
            "secretary" if ol else "main_leader",
            done_on=end if held else None,
        )
    b.add(
        "meeting",
        "召开会议",
        s.meeting_date,
        held,
        ["OL-3.1.a", "OL-3.1.d"] if ol else ["DL-3.2.a"],
        "secretary" if ol else "main_leader",
        done_on=end if held else None,
    )

    if ol and s.half == "year_end" and rulebook.param("ol_yearend_combined_with_appraisal"):
        b.add("appraisal", "结合开展民主评议党员", s.meeting_date, b.passes("ol_yearend_appraisal"), ["OL-1.2.b"], "secretary")

    if not ol:
        for key, a in sorted(ctx.attendance.get("democratic_life", {}).items()):
            if a.mode != "absent":
                continue
            got = [f.delivered_on for f in s.feedback if f.kind == "absent_criticism" and f.recipient == key and f.delivered_on]
            b.add(
                f"absent_feedback.{key}",
                "向缺席同志转达批评意见",
                dates.days_after(end, rulebook.param("dl_absent_feedback_days"), counting) if end else None,
                bool(got),
                ["DL-3.3.j"],
                "main_leader",
                done_on=min(got) if got else None,
                proposal=True,
                person=key,
            )

    report_days = rulebook.param("ol_report_within_days" if ol else "dl_report_within_days")
    submitted = s.report.submitted_on if s.report else None
    b.add(
        "report",
        "上报会议情况报告等材料" + ("（上级党组织）" if ol else "（上级纪委和党委组织部门）"),
        dates.days_after(end, report_days, counting) if end else None,
        submitted is not None,
        ["OL-4.2.a"] if ol else ["DL-4.2.a"],
        "secretary" if ol else "main_leader",
        done_on=submitted,
        proposal=ol,
    )
    if ol:
        shown = [n.published_on for n in s.notices if n.kind == "rectification" and n.published_on]
        b.add("notice.rectification", "整改措施公示", None, bool(shown), ["OL-4.1.d"], "secretary", done_on=min(shown) if shown else None)
    else:
        published = s.circular.published_on if s.circular else None
        b.add(
            "circular",
            "向干部群众通报有关情况和整改措施",
            dates.months_after(end, int(rulebook.param("dl_circular_within_months")), counting) if end else None,
            published is not None,
            ["DL-4.3.a"],
            "main_leader",
            done_on=published,
        )

    for item in s.items:
        if item.status == "draft":
            continue
        b.add(
            f"item.{item.id}",
            "整改事项销号" + ("（班子）" if item.owner == TEAM else ""),
            item.deadline,
            item.status == "closed",
            ["OL-4.1.c", "OL-4.3.c"] if ol else ["DL-4.1.a", "DL-4.4.c"],
            "secretary" if item.owner == TEAM and ol else ("main_leader" if item.owner == TEAM else ("member" if ol else "leader")),
            done_on=item.closed_on,
            person=item.owner,
        )

    return sorted(b.items, key=lambda o: (o.due is None, o.due or date.max, o.key))
