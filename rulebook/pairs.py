"""Required heart-to-heart talks (谈心谈话) and their coverage.

OL-2.4 (binding for 组织生活会):
- a: the superior's responsible leader ↔ the branch secretary;
- b: the secretary ↔ every committee member and every member;
- c: committee members with each other;
- d: members with each other, per `ol_member_peer_talk_mode`:
  ``all_pairs`` (the literal reading: every pair), ``within_small_group`` (every pair inside
  each 党小组; members without a group form one group), or ``min_per_member`` (each member
  other than the secretary talks with at least `ol_member_peer_talks_min` other members, the
  secretary's own talks not counted — those are b);
- e: a care talk (kind ``care``) for every mobile, in-difficulty or elderly/infirm member;
- f: a mediation talk (kind ``mediation``) for every flagged pair, or for a flagged person
  with anyone.
P-DL-2.6 (proposals for 民主生活会): a: main leader ↔ each leader; b: leaders with each other;
c: each leader ↔ the heads of the units they oversee; d: superior's leader ↔ main leader.

A pair is a sorted tuple, so (a, b) and (b, a) are the same pair; each required pair belongs
to exactly one clause (the first that requires it, in the order above), never to two.
Coverage uses set operations only: a 200-member branch in ``all_pairs`` mode has 19,900
member pairs and is checked in a few milliseconds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cached_property, lru_cache
from itertools import combinations, filterfalse
from operator import attrgetter

from .snapshot import MeetingSnapshot, TalkInfo

Pair = tuple[str, str]
# Stands for "a responsible leader of the superior organisation" when the snapshot does not
# name one: any talk between the other side and a person off the roster ("u…") counts.
SUPERIOR = "?superior"
PEER_MODES = ("all_pairs", "within_small_group", "min_per_member")


def pair(a: str, b: str) -> Pair:
    return (a, b) if a <= b else (b, a)


@dataclass(frozen=True)
class PairSet:
    """Pairs one clause requires; `kind` restricts which talks count (None: any talk)."""

    clause: str
    label: str
    ordered: tuple[Pair, ...]  # in a fixed order (roster order), each pair once
    kind: str | None = None
    proposal: bool = False

    @cached_property
    def pairs(self) -> frozenset[Pair]:
        return frozenset(self.ordered)


@dataclass(frozen=True)
class Quota:
    """Each of `people` needs talks with at least `count` distinct partners (of `kind`)."""

    clause: str
    label: str
    people: tuple[str, ...]
    count: int = 1
    kind: str | None = None
    exclude_partners: frozenset[str] = frozenset()
    among: frozenset[str] | None = None  # partners must be in this set (None: anyone)
    proposal: bool = False


@dataclass(frozen=True)
class TalkPlan:
    pair_sets: tuple[PairSet, ...] = ()
    quotas: tuple[Quota, ...] = ()

    @property
    def required_pairs(self) -> int:
        return sum(len(ps.ordered) for ps in self.pair_sets)

    def all_pairs(self) -> frozenset[Pair]:
        return frozenset().union(*(ps.pairs for ps in self.pair_sets)) if self.pair_sets else frozenset()

    def for_clause(self, clause: str) -> tuple[PairSet | Quota, ...]:
        return tuple(p for p in (*self.pair_sets, *self.quotas) if p.clause == clause)


@dataclass(frozen=True)
class ClauseCoverage:
    clause: str
    label: str
    required: int
    done: int
    missing: tuple  # sorted pairs, or (person, shortfall) for quotas
    proposal: bool = False

    @property
    def complete(self) -> bool:
        return self.done >= self.required


@dataclass(frozen=True)
class Coverage:
    parts: tuple[ClauseCoverage, ...]

    @property
    def required(self) -> int:
        return sum(p.required for p in self.parts)

    @property
    def done(self) -> int:
        return sum(p.done for p in self.parts)

    @property
    def ratio(self) -> float:
        return 1.0 if self.required == 0 else self.done / self.required

    def part(self, clause: str) -> ClauseCoverage | None:
        for p in self.parts:
            if p.clause == clause:
                return p
        return None

    def missing_for(self, clause: str) -> tuple:
        found = [p.missing for p in self.parts if p.clause == clause]
        return found[0] if len(found) == 1 else sum(found, ())


def _new(clause: str, label: str, candidates: Iterable[Pair], taken: set[Pair], *, proposal: bool = False, last: bool = False, unique: bool = False) -> PairSet:
    """The candidate pairs not yet required by an earlier clause, in generation order (no
    sorting: listing 10,000 missing pairs must stay cheap). Callers never pass self-pairs:
    `combinations` of a de-duplicated roster cannot yield one, and the other sources skip them.
    `unique`: the candidates have no duplicates (combinations), so a C-level filter suffices."""
    if unique:
        ordered = tuple(filterfalse(taken.__contains__, candidates))
    else:
        ordered = tuple(dict.fromkeys(filterfalse(taken.__contains__, candidates)))
    if not last:
        taken.update(ordered)
    return PairSet(clause, label, ordered, proposal=proposal)


# What the OL plan depends on, per person: the plan is cached on exactly these facts, so a
# meeting checked again (every page view, every gate) does not rebuild 19,900 pairs.
_SIGNATURE = attrgetter("key", "is_secretary", "is_committee", "small_group", "is_mobile", "is_in_difficulty", "is_elderly_or_infirm")


def ol_plan(snapshot: MeetingSnapshot, mode: str = "min_per_member", min_talks: int = 1) -> TalkPlan:
    """The talks OL-2.4 requires before a 组织生活会."""
    if mode not in PEER_MODES:
        raise ValueError(f"ol_member_peer_talk_mode must be one of {PEER_MODES}, not {mode!r}")
    signature = tuple(map(_SIGNATURE, snapshot.roster))
    flags = tuple((f.a, f.b) for f in snapshot.talk_flags)
    return _ol_plan(signature, snapshot.superior_head, flags, mode, int(min_talks))


@lru_cache(maxsize=16)
def _ol_plan(signature: tuple, superior_head: str, flags: tuple, mode: str, min_talks: int) -> TalkPlan:
    people = {s[0]: s for s in signature}
    roster = sorted(people)
    secretary = next((s[0] for s in signature if s[1]), None)
    committee = sorted(s[0] for s in signature if s[1] or s[2])
    taken: set[Pair] = set()
    sets: list[PairSet] = []
    quotas: list[Quota] = []

    if secretary:
        head = superior_head or SUPERIOR
        sets.append(_new("OL-2.4.a", "上级党组织负责同志与支部书记谈心", [pair(head, secretary)] if head != secretary else [], taken))
        sets.append(_new("OL-2.4.b", "支部书记与支部委员、每名党员谈心", (pair(secretary, k) for k in roster if k != secretary), taken))
    sets.append(_new("OL-2.4.c", "支部委员相互谈心", combinations(committee, 2), taken, unique=True))

    if mode == "all_pairs":
        sets.append(_new("OL-2.4.d", "党员彼此之间谈心", combinations(roster, 2), taken, last=True, unique=True))
    elif mode == "within_small_group":
        groups: dict[str, list[str]] = defaultdict(list)
        for key in roster:
            groups[people[key][3] or ""].append(key)
        member_pairs = (p for keys in groups.values() for p in combinations(keys, 2))
        sets.append(_new("OL-2.4.d", "党小组内党员彼此谈心", member_pairs, taken, last=True))
    else:
        peers = tuple(k for k in roster if k != secretary)
        exclude = frozenset({secretary}) if secretary else frozenset()
        quotas.append(Quota("OL-2.4.d", "每名党员至少与其他党员谈心", peers, max(min_talks, 0), None, exclude, frozenset(peers)))

    care = tuple(sorted(s[0] for s in signature if s[4] or s[5] or s[6]))
    if care:
        quotas.append(Quota("OL-2.4.e", "对流动、困难、年老体弱党员主动关心谈话", care, 1, "care"))

    # A mediation pair is kept even when the same pair is required above: it needs its own
    # talk of kind "mediation", so it is a different requirement, not a duplicate pair.
    mediation = frozenset(pair(a, b) for a, b in flags if b and a != b)
    if mediation:
        sets.append(PairSet("OL-2.4.f", "约谈、上门调解（双方曾闹过矛盾）", tuple(sorted(mediation)), kind="mediation"))
    flagged_people = tuple(sorted({a for a, b in flags if not b}))
    if flagged_people:
        quotas.append(Quota("OL-2.4.f", "约谈（存在问题又缺乏认识、有思想疙瘩）", flagged_people, 1, "mediation"))
    return TalkPlan(tuple(sets), tuple(quotas))


def dl_plan(snapshot: MeetingSnapshot) -> TalkPlan:
    """Proposals P-DL-2.6.a–d for a 民主生活会 (GAP-DL-2.6: the source text has no talk clause)."""
    leaders = sorted({p.key for p in snapshot.roster})
    main = next((p.key for p in snapshot.roster if p.is_main_leader), None)
    taken: set[Pair] = set()
    sets: list[PairSet] = []
    if main:
        head = snapshot.superior_head or SUPERIOR
        sets.append(_new("P-DL-2.6.d", "上级负责同志与主要负责人谈心", [pair(head, main)] if head != main else [], taken, proposal=True))
        sets.append(_new("P-DL-2.6.a", "主要负责人与班子成员逐一谈心", (pair(main, k) for k in leaders if k != main), taken, proposal=True))
    sets.append(_new("P-DL-2.6.b", "班子成员之间相互谈心", combinations(leaders, 2), taken, proposal=True, unique=True))
    heads = (pair(p.key, h) for p in snapshot.roster for h in p.overseen_heads if h != p.key)
    sets.append(_new("P-DL-2.6.c", "班子成员与分管部门负责人谈心", heads, taken, proposal=True))
    return TalkPlan(tuple(sets), ())


def plan_for(snapshot: MeetingSnapshot, params: dict) -> TalkPlan:
    if snapshot.kind == "democratic_life":
        return dl_plan(snapshot)
    return ol_plan(snapshot, params.get("ol_member_peer_talk_mode", "min_per_member"), params.get("ol_member_peer_talks_min", 1))


def coverage_for(snapshot: MeetingSnapshot, params: dict) -> tuple[TalkPlan, Coverage]:
    """The plan and its coverage exactly as the checker sees them: talks count when held on or
    before the first sitting's date, or the planned date before any sitting (see dates.py)."""
    held = [x.date for x in snapshot.sittings if x.date]
    until = min(held) if held else snapshot.meeting_date
    plan = plan_for(snapshot, params)
    return plan, coverage(plan, snapshot.talks, until=until)


def coverage(plan: TalkPlan, talks: Iterable[TalkInfo], *, until: date | None = None) -> Coverage:
    """Done / required per clause, and what is missing. Only held talks count, and with
    `until` only those held on or before it (OL-2.0: records after the meeting do not count)."""
    if until is None:
        held = [t for t in talks if t.held_on is not None]
    else:
        held = [t for t in talks if t.held_on is not None and t.held_on <= until]
    done_any = {(t.a, t.b) if t.a <= t.b else (t.b, t.a) for t in held}
    kinds = {ps.kind for ps in plan.pair_sets if ps.kind} | {q.kind for q in plan.quotas if q.kind}
    special = [t for t in held if t.kind in kinds]  # care and mediation talks are few
    done_kind = {k: {(t.a, t.b) if t.a <= t.b else (t.b, t.a) for t in special if t.kind == k} for k in kinds}

    def partners_of(pairs_done: set[Pair]) -> dict[str, set[str]]:
        found: dict[str, set[str]] = defaultdict(set)
        for a, b in pairs_done:
            found[a].add(b)
            found[b].add(a)
        return found

    partner_cache: dict[str | None, dict[str, set[str]]] = {}

    def partners(kind: str | None) -> dict[str, set[str]]:
        if kind not in partner_cache:
            partner_cache[kind] = partners_of(done_any if kind is None else done_kind[kind])
        return partner_cache[kind]

    parts: list[ClauseCoverage] = []
    for ps in plan.pair_sets:
        done_set = done_any if ps.kind is None else done_kind[ps.kind]
        missing = list(filterfalse(done_set.__contains__, ps.ordered))  # C-level loop over up to 19,900 pairs
        if len(ps.ordered) < 8:
            # The superior's leader is not named: any talk with someone off the roster counts.
            missing = [
                p for p in missing if SUPERIOR not in p or not any(x.startswith("u") for x in partners(ps.kind).get(p[0] if p[1] == SUPERIOR else p[1], ()))
            ]
        parts.append(ClauseCoverage(ps.clause, ps.label, len(ps.ordered), len(ps.ordered) - len(missing), tuple(missing), ps.proposal))
    for q in plan.quotas:
        shortfalls = []
        done = 0
        by = partners(q.kind)
        for person in q.people:
            have = by.get(person, set())
            if q.among is not None:
                have = have & q.among
            n = len(have - q.exclude_partners - {person})
            done += min(n, q.count)
            if n < q.count:
                shortfalls.append((person, q.count - n))
        parts.append(ClauseCoverage(q.clause, q.label, len(q.people) * q.count, done, tuple(shortfalls), q.proposal))
    return Coverage(tuple(parts))
