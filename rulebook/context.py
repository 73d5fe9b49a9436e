"""What a check function receives: the snapshot, the rulebook's parameters, and facts derived
once per `check()` call (the meeting day, who is secretary, talk coverage …), so that a
hundred rules share one pass over the data."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from . import dates, pairs
from .constants import ABSENT, TEAM
from .snapshot import MeetingSnapshot, Person, SelfExamInfo, SittingInfo, StatementInfo


@dataclass
class Hit:
    """A check's result when the message needs more than the concerned objects."""

    objects: tuple = ()
    values: dict[str, Any] = field(default_factory=dict)


class Context:
    def __init__(self, snapshot: MeetingSnapshot, params: dict[str, Any]):
        self.s = snapshot
        self.params = params

    def param(self, name: str) -> Any:
        try:
            return self.params[name]
        except KeyError:
            raise KeyError(f"rulebook parameter {name!r} is not defined") from None

    # -- time ------------------------------------------------------------------------------
    @cached_property
    def meeting_day(self) -> date | None:
        """T for "会前" and "N日前": the first sitting's date, else the planned date."""
        held = [x.date for x in self.s.sittings if x.date]
        return min(held) if held else self.s.meeting_date

    @cached_property
    def ended_on(self) -> date | None:
        """T for "会后" and "N日内": the last sitting's date, else the planned date."""
        held = [x.date for x in self.s.sittings if x.date]
        return max(held) if held else self.s.meeting_date

    @cached_property
    def counting(self) -> str:
        return self.params.get("date_counting", dates.INCLUSIVE)

    def before(self, d: date | None) -> bool:
        return dates.counts_before(d, self.meeting_day)

    # -- people ----------------------------------------------------------------------------
    @cached_property
    def people(self) -> dict[str, Person]:
        return {p.key: p for p in self.s.roster}

    @cached_property
    def roster(self) -> tuple[str, ...]:
        return tuple(p.key for p in self.s.roster)

    @cached_property
    def secretary(self) -> str | None:
        return next((p.key for p in self.s.roster if p.is_secretary), None)

    @cached_property
    def committee(self) -> tuple[str, ...]:
        """Committee members, the secretary included (OL)."""
        return tuple(p.key for p in self.s.roster if p.is_committee or p.is_secretary)

    @cached_property
    def main_leader(self) -> str | None:
        return next((p.key for p in self.s.roster if p.is_main_leader), None)

    @cached_property
    def other_leaders(self) -> tuple[str, ...]:
        """DL: leaders other than the main leader, in the plan's order (DL-3.3.d)."""
        others = [p for p in self.s.roster if not p.is_main_leader]
        return tuple(p.key for p in sorted(others, key=lambda p: (p.rank, p.key)))

    # -- talks -----------------------------------------------------------------------------
    @cached_property
    def talk_plan(self) -> pairs.TalkPlan:
        return pairs.plan_for(self.s, self.params)

    @cached_property
    def talk_coverage(self) -> pairs.Coverage:
        return pairs.coverage(self.talk_plan, self.s.talks, until=self.meeting_day)

    # -- documents -------------------------------------------------------------------------
    @cached_property
    def exams_by_author(self) -> dict[str, list[SelfExamInfo]]:
        found: dict[str, list[SelfExamInfo]] = defaultdict(list)
        for x in self.s.self_exams:
            found[x.author].append(x)
        return found

    def exam(self, author: str, kinds: tuple[str, ...] | None = None) -> SelfExamInfo | None:
        for x in self.exams_by_author.get(author, ()):
            if kinds is None or x.doc_kind in kinds:
                return x
        return None

    @cached_property
    def team_opinion_targets(self) -> set[str]:
        return {o.target for o in self.s.opinions}

    # -- sittings --------------------------------------------------------------------------
    def sitting(self, kind: str) -> SittingInfo | None:
        return next((x for x in self.s.sittings if x.kind == kind), None)

    @cached_property
    def statements(self) -> dict[str, list[StatementInfo]]:
        by: dict[str, list[StatementInfo]] = defaultdict(list)
        for st in sorted(self.s.statements, key=lambda x: (x.sitting_kind, x.seq)):
            by[st.sitting_kind].append(st)
        return by

    @cached_property
    def attendance(self) -> dict[str, dict[str, Any]]:
        by: dict[str, dict[str, Any]] = defaultdict(dict)
        for a in self.s.attendance:
            by[a.sitting_kind][a.person] = a
        return by

    def present(self, sitting_kind: str) -> set[str]:
        return {k for k, a in self.attendance.get(sitting_kind, {}).items() if a.mode != ABSENT}

    @cached_property
    def team(self) -> str:
        return TEAM

    @cached_property
    def open_items(self):
        return [i for i in self.s.items if i.status != "closed"]
