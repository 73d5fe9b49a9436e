"""Talk pairs (OL-2.4.a–f, P-DL-2.6.a–d): generation properties and coverage. Pure."""

from dataclasses import replace
from datetime import date, timedelta
from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from rulebook import pairs, samples
from rulebook.snapshot import MeetingSnapshot, OrgInfo, Person, TalkFlagInfo, TalkInfo

DAY = date(2024, 12, 10)


@st.composite
def rosters(draw, max_size=40):
    n = draw(st.integers(min_value=0, max_value=max_size))
    keys = [f"m{i}" for i in range(1, n + 1)]
    committee = set(draw(st.lists(st.sampled_from(keys), unique=True, max_size=min(n, 7)))) if keys else set()
    secretary = draw(st.sampled_from(keys)) if keys and draw(st.booleans()) else None
    groups = draw(st.lists(st.sampled_from(["一组", "二组", "三组", None]), min_size=n, max_size=n))
    flags = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    return tuple(
        Person(key=k, is_secretary=k == secretary, is_committee=k in committee or k == secretary, small_group=g, is_elderly_or_infirm=f)
        for k, g, f in zip(keys, groups, flags)
    )


def _snapshot(roster, talks=(), flags=(), kind="org_life", superior="u1"):
    return MeetingSnapshot(
        meeting_id=1, kind=kind, organization=OrgInfo("branch", "other", True), today=DAY, roster=roster, superior_head=superior, talks=talks, talk_flags=flags
    )


def _all_required(plan):
    return [p for ps in plan.pair_sets for p in ps.ordered]


@settings(max_examples=100, deadline=None)
@given(rosters(), st.sampled_from(pairs.PEER_MODES))
def test_OL_2_4_every_required_pair_exactly_once_no_self_pairs_sorted(roster, mode):
    """OL-2.4.a–d: across all clauses each pair is required once, never (x, x), always sorted."""
    plan = pairs.ol_plan(_snapshot(roster), mode)
    required = _all_required(plan)
    assert len(required) == len(set(required))
    assert all(a != b for a, b in required)
    assert all(a < b for a, b in required)
    for ps in plan.pair_sets:
        assert ps.pairs == frozenset(ps.ordered)


@settings(max_examples=100, deadline=None)
@given(rosters())
def test_OL_2_4_d_all_pairs_covers_every_pair_of_the_roster(roster):
    """OL-2.4.d literal reading: with the superior's pair, n(n−1)/2 (+1) pairs in all."""
    plan = pairs.ol_plan(_snapshot(roster), "all_pairs")
    keys = sorted(p.key for p in roster)
    expected = set(combinations(keys, 2))
    secretary = next((p.key for p in roster if p.is_secretary), None)
    if secretary:
        expected.add(pairs.pair("u1", secretary))
    assert {p for ps in plan.pair_sets if ps.clause != "OL-2.4.f" for p in ps.ordered} == expected


@settings(max_examples=100, deadline=None)
@given(rosters(), st.data())
def test_OL_2_4_coverage_is_symmetric_and_counts_each_pair_once(roster, data):
    """A talk (a, b) covers the same pair as (b, a); done never exceeds required."""
    plan = pairs.ol_plan(_snapshot(roster), "all_pairs")
    required = _all_required(plan)
    chosen = data.draw(st.lists(st.sampled_from(required), unique=True)) if required else []
    forward = [TalkInfo(a, b, held_on=DAY) for a, b in chosen]
    backward = [TalkInfo(b, a, held_on=DAY) for a, b in chosen] * 2  # reversed and repeated
    c1 = pairs.coverage(plan, forward, until=DAY)
    c2 = pairs.coverage(plan, backward, until=DAY)
    assert [(p.done, p.missing) for p in c1.parts] == [(p.done, p.missing) for p in c2.parts]
    assert c1.done == len(chosen) + sum(q.done for q in c1.parts if q.clause in ("OL-2.4.e",))
    for part in c1.parts:
        assert 0 <= part.done <= part.required


@settings(max_examples=100, deadline=None)
@given(rosters(max_size=25), st.integers(min_value=0, max_value=3), st.data())
def test_OL_2_4_d_min_per_member_shortfall(roster, k, data):
    """Each member other than the secretary needs k distinct peers (the secretary's talks excluded)."""
    snap = _snapshot(roster)
    plan = pairs.ol_plan(snap, "min_per_member", k)
    keys = [p.key for p in roster]
    talks = data.draw(st.lists(st.tuples(st.sampled_from(keys), st.sampled_from(keys)), max_size=40)) if keys else []
    cov = pairs.coverage(plan, [TalkInfo(a, b, held_on=DAY) for a, b in talks], until=DAY)
    secretary = next((p.key for p in roster if p.is_secretary), None)
    peers = {p: set() for p in keys if p != secretary}
    for a, b in talks:
        if a != b and a in peers and b in peers:
            peers[a].add(b)
            peers[b].add(a)
    expected = tuple((p, k - len(s)) for p, s in sorted(peers.items()) if len(s) < k)
    assert cov.missing_for("OL-2.4.d") == expected


@settings(max_examples=100, deadline=None)
@given(rosters(max_size=15))
def test_P_DL_2_6_pairs_exactly_once(roster):
    """P-DL-2.6.a–d: main leader with each, everyone pairwise, superior with the main leader."""
    roster = tuple(replace(p, is_main_leader=i == 0) for i, p in enumerate(roster))
    plan = pairs.dl_plan(_snapshot(roster, kind="democratic_life"))
    required = _all_required(plan)
    assert len(required) == len(set(required)) and all(a < b for a, b in required)
    n = len(roster)
    assert len(required) == n * (n - 1) // 2 + (1 if n else 0)
    assert all(ps.proposal for ps in plan.pair_sets)


def test_OL_2_4_only_talks_held_by_the_meeting_day_count():
    roster = (Person("m1", is_secretary=True, is_committee=True), Person("m2"))
    plan = pairs.ol_plan(_snapshot(roster), "all_pairs")
    late = pairs.coverage(plan, [TalkInfo("m1", "m2", held_on=DAY + timedelta(days=1))], until=DAY)
    assert late.part("OL-2.4.b").missing == (("m1", "m2"),)
    planned = pairs.coverage(plan, [TalkInfo("m1", "m2", held_on=None)], until=DAY)
    assert planned.part("OL-2.4.b").done == 0


def test_OL_2_4_e_and_f_need_talks_of_their_kind():
    roster = (Person("m1", is_secretary=True, is_committee=True), Person("m2", is_mobile=True), Person("m3"))
    snap = _snapshot(roster, flags=(TalkFlagInfo("m2", "m3"),))
    plan = pairs.ol_plan(snap, "min_per_member")
    regular = [TalkInfo("m1", "m2", held_on=DAY), TalkInfo("m2", "m3", held_on=DAY)]
    cov = pairs.coverage(plan, regular, until=DAY)
    assert cov.missing_for("OL-2.4.e") == (("m2", 1),)
    assert cov.missing_for("OL-2.4.f") == (("m2", "m3"),)
    cov = pairs.coverage(plan, [*regular, TalkInfo("m1", "m2", "care", DAY), TalkInfo("m3", "m2", "mediation", DAY)], until=DAY)
    assert cov.missing_for("OL-2.4.e") == () and cov.missing_for("OL-2.4.f") == ()


def test_OL_2_4_200_member_branch_has_19900_member_pairs():
    snap = samples.big_org_life(200, done_ratio=0.5)
    plan = pairs.ol_plan(snap, "all_pairs")
    member_pairs = sum(len(ps.ordered) for ps in plan.pair_sets if ps.clause in ("OL-2.4.b", "OL-2.4.c", "OL-2.4.d"))
    assert member_pairs == 19_900
    cov = pairs.coverage(plan, snap.talks, until=snap.meeting_date)
    assert cov.done == 9_950 + 1  # half the member pairs and the superior's pair
    assert cov.missing_for("OL-2.4.e") == (("m4", 1),)  # the elderly member's care talk is not held


def test_OL_2_4_coverage_for_uses_the_checkers_meeting_day():
    """OL-2.0: the first sitting's date is the limit, as in the checker (dates.py)."""
    from rulebook import engine
    from rulebook.context import Context

    snap = samples.org_life()
    rb = engine.load()
    plan, cov = pairs.coverage_for(snap, rb.params)
    ctx = Context(snap, rb.params)
    assert [(p.clause, p.done, p.missing) for p in cov.parts] == [(p.clause, p.done, p.missing) for p in ctx.talk_coverage.parts]
