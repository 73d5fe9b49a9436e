"""Shared helpers for the pure rule tests (no database)."""

from dataclasses import replace

import pytest

from rulebook import engine, samples

DISTRICT = engine.load("district-2024")
NATIONAL = engine.load("national-baseline")
both = pytest.mark.parametrize("rb", [DISTRICT, NATIONAL], ids=["district-2024", "national-baseline"])


def ol(**changes):
    """The by-the-book 组织生活会 (community branch with a committee) with `changes`."""
    base = samples.org_life(**{k: changes.pop(k) for k in ("members", "sector", "has_committee") if k in changes})
    return replace(base, **changes)


def dl(**changes):
    base = samples.democratic_life(**{k: changes.pop(k) for k in ("leaders",) if k in changes})
    return replace(base, **changes)


def findings(snapshot, rb=DISTRICT):
    return {f.rule_id: f for f in engine.check(snapshot, rb)}


def fired(snapshot, rule_id, rb=DISTRICT):
    """The finding of `rule_id`, asserting it is the only rule that fired."""
    found = findings(snapshot, rb)
    assert rule_id in found, f"{rule_id} did not fire; got {sorted(found)}"
    return found[rule_id]


def quiet(snapshot, rule_id, rb=DISTRICT):
    found = findings(snapshot, rb)
    assert rule_id not in found, f"{rule_id} fired: {found[rule_id].message}"


def swap(items, index, **changes):
    items = list(items)
    items[index] = replace(items[index], **changes)
    return tuple(items)
