"""Interface of the rule engine (pure: no ORM). STUB — the rulebook issue replaces the bodies.

Callers (meetings lifecycle, oversight, documents) rely only on these names and signatures.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .snapshot import MeetingSnapshot


@dataclass(frozen=True)
class Finding:
    rule_id: str
    severity: str  # "blocker" | "warning" | "info"
    clause_ids: tuple[str, ...]
    message: str  # Chinese
    hint: str = ""  # Chinese: what to do
    gates: str | None = None  # the stage this finding blocks entry to (meetings.choices.Stage), if any
    objects: tuple = ()  # what it concerns, e.g. (("m12", "m15"),) missing talk pairs, or person keys
    overridable: bool = True
    override_roles: tuple[str, ...] = ("reviewer",)  # who may let it pass (DL-2.2.c: inspector only)
    proposal: bool = False  # based on a proposal (P-…), not the source text


@dataclass(frozen=True)
class Rulebook:
    slug: str
    version: str
    title: str
    params: dict = field(default_factory=dict)


DEFAULT_SLUG = "district-2024"


def load(slug: str = DEFAULT_SLUG, version: str | None = None) -> Rulebook:
    """The rulebook `slug` at `version` (latest when None)."""
    return Rulebook(slug=slug, version=version or "1", title=slug, params={})


def current_for(organization) -> Rulebook:
    """The rulebook chosen by the organization's district (its nearest ancestor with a choice)."""
    return load()


def check(snapshot: MeetingSnapshot, rulebook: Rulebook) -> list[Finding]:
    return []


def blockers(findings: list[Finding], target_stage: str, overrides: frozenset[str] = frozenset()) -> list[Finding]:
    """The blockers that stop entry to `target_stage`, minus those overridden."""
    return [f for f in findings if f.severity == "blocker" and f.gates == target_stage and f.rule_id not in overrides]
