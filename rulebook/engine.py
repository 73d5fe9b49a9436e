"""The rule engine: rulebooks as data, and the pure checker (no ORM here).

A *rulebook* (`rulebook/rulebooks/<slug>/<version>.yaml`) is immutable once shipped: a change
is a new version file, and each meeting pins the slug and version it was created under, so
later changes never alter the findings of past meetings. A rulebook holds its parameters (every
number of regulations/parameters.md) and lists the *layers* it uses — versioned rule files in
`rulebook/layers/<layer>/<version>.yaml` — switching each on or off. The `proposals` layer holds
the rules built on proposals (P-DL-*) for text missing from the source; they are never blockers.

`check(snapshot, rulebook)` runs the rules that apply to the meeting's kind and organisation
and returns `Finding`s. `blockers(findings, target_stage, overrides)` are those that stop entry
to a stage. See docs/rulebook.md.
"""

from __future__ import annotations

import string
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache, cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from . import catalogue, dates
from .constants import PROPOSAL_LABEL, STAGES
from .context import Context, Hit
from .schema import LayerFile, RulebookError, RulebookFile, parse
from .snapshot import MeetingSnapshot

__all__ = [
    "DEFAULT_SLUG",
    "Finding",
    "Rule",
    "Rulebook",
    "RulebookError",
    "available",
    "blockers",
    "check",
    "current_for",
    "guidance_for",
    "load",
]

ROOT = Path(__file__).resolve().parent
RULEBOOKS = ROOT / "rulebooks"
LAYERS = ROOT / "layers"
DEFAULT_SLUG = "district-2024"

# Parameters other apps read by name; every shipped rulebook must define them.
REQUIRED_PARAMS = (
    "study_day_hours",
    "ol_study_min_days",
    "ol_study_concentrated_min_days",
    "dl_study_typical_days",
    "dl_study_tolerance_days",
    "dl_study_concentrated_min_days",
    "ol_member_peer_talk_mode",
    "ol_member_peer_talks_min",
    "dl_plan_report_lead_days",
    "dl_public_notice_lead_days",
    "dl_report_within_days",
    "ol_report_within_days",
    "dl_circular_within_months",
    "dl_absent_feedback_days",
    "ol_rectification_display_days",
    "ol_yearend_combined_with_appraisal",
    "appraisal_quorum_ratio",
    "appraisal_probationary_votes",
    "appraisal_excellent_max_ratio",
    "appraisal_peer_review_anonymous",
    "appraisal_min_ballots_for_person_results",
    "reminder_lead_days",
    "date_counting",
)


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
    overridden: bool = False  # the meeting carries a written override for this rule
    label: str = ""  # "提议，非本地制度原文" for proposals

    @property
    def blocks(self) -> bool:
        return self.severity == "blocker" and not self.overridden


@dataclass(frozen=True)
class Parameter:
    name: str
    label: str
    value: Any
    unit: str
    clause_ids: tuple[str, ...] = ()
    proposal: bool = False
    note: str = ""


@dataclass(frozen=True)
class Applicability:
    sectors: tuple[str, ...] | None = None
    org_kinds: tuple[str, ...] | None = None
    has_committee: bool | None = None
    half: str | None = None
    special: bool | None = None

    def matches(self, s: MeetingSnapshot) -> bool:
        org = s.organization
        return (
            (self.sectors is None or org.sector in self.sectors)
            and (self.org_kinds is None or org.kind in self.org_kinds)
            and (self.has_committee is None or org.has_committee == self.has_committee)
            and (self.half is None or s.half == self.half)
            and (self.special is None or s.special == self.special)
        )

    def describe(self) -> str:
        from .constants import ORG_KIND_LABELS, SECTOR_LABELS

        parts = []
        if self.sectors is not None:
            parts.append("、".join(SECTOR_LABELS.get(x, x) for x in self.sectors))
        if self.has_committee is not None:
            parts.append("设支委会" if self.has_committee else "不设支委会")
        if self.half is not None:
            parts.append({"mid_year": "年中", "year_end": "年底"}.get(self.half, self.half))
        if self.special is not None:
            parts.append("专题会议" if self.special else "非专题会议")
        if self.org_kinds is not None:
            parts.append("、".join(ORG_KIND_LABELS.get(x, x) for x in self.org_kinds))
        return "；".join(parts) or "全部"


@dataclass(frozen=True)
class Rule:
    id: str
    clause_ids: tuple[str, ...]
    kinds: tuple[str, ...]
    check: str
    severity: str
    message: str
    hint: str
    gates: str | None = None
    active_from: str | None = None
    applies: Applicability = Applicability()
    overridable: bool = True
    override_roles: tuple[str, ...] = ("reviewer",)
    params: tuple[str, ...] = ()
    options: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    steps: tuple[str, ...] = ()
    layer: str = ""
    proposal: bool = False
    note: str = ""
    fn: Callable | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class HumanJudgement:
    """A clause handled by people (guidance, checklist) or by the app's structure, with why."""

    clause_id: str
    category: str
    reason: str
    guidance: str = ""
    kinds: tuple[str, ...] = ()
    steps: tuple[str, ...] = ()
    layer: str = ""
    proposal: bool = False


@dataclass(frozen=True)
class LayerInfo:
    name: str
    version: str
    title: str
    enabled: bool = True
    proposal: bool = False
    description: str = ""


@dataclass(frozen=True)
class Rulebook:
    slug: str
    version: str
    title: str
    params: dict = field(default_factory=dict)  # name -> value (read-only mapping once loaded)
    jurisdiction: str = ""
    description: str = ""
    effective_from: date | None = None
    basis: tuple[str, ...] = ()
    parameters: dict = field(default_factory=dict)  # name -> Parameter
    rules: tuple[Rule, ...] = ()  # the active rules (enabled layers, adjustments applied)
    human_judgements: tuple[HumanJudgement, ...] = ()
    layers: tuple[LayerInfo, ...] = ()
    derived: bool = False  # changed in memory (tests, benchmarks): never pinned by a meeting

    def param(self, name: str, default: Any = None) -> Any:
        return self.params.get(name, default)

    @property
    def label(self) -> str:
        return f"{self.title}（{self.slug} 第{self.version}版）"

    @cached_property
    def _by_kind(self) -> dict[str, tuple[Rule, ...]]:
        kinds = {k for r in self.rules for k in r.kinds}
        return {k: tuple(r for r in self.rules if k in r.kinds) for k in kinds}

    def rules_for(self, kind: str) -> tuple[Rule, ...]:
        return self._by_kind.get(kind, ())

    def rule(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    def layer_enabled(self, name: str) -> bool:
        return any(x.name == name and x.enabled for x in self.layers)

    def with_params(self, **values: Any) -> Rulebook:
        """An in-memory variant with some parameters changed (tests, benchmarks, previews)."""
        unknown = set(values) - set(self.params)
        if unknown:
            raise RulebookError(f"{self.slug}/{self.version}: unknown parameters {sorted(unknown)}")
        params = MappingProxyType({**self.params, **values})
        parameters = MappingProxyType({n: (replace(p, value=values[n]) if n in values else p) for n, p in self.parameters.items()})
        return replace(self, params=params, parameters=parameters, derived=True)

    def with_layer(self, name: str, enabled: bool) -> Rulebook:
        """An in-memory variant with a layer switched on or off."""
        if not any(x.name == name for x in self.layers):
            raise RulebookError(f"{self.slug}/{self.version}: no layer {name!r}")
        built = _assemble(_rulebook_file(self.slug, self.version), f"{self.slug}/{self.version}.yaml", {name: enabled})
        return replace(built, params=self.params, parameters=self.parameters, derived=True)


# -- loading -------------------------------------------------------------------------------


def _version_key(version: str) -> tuple:
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in version.split("."))


def _read(path: Path, source: str) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RulebookError(f"{source}: file not found") from None
    except yaml.YAMLError as exc:
        raise RulebookError(f"{source}: not valid YAML: {exc}") from None


@cache
def _rulebook_file(slug: str, version: str) -> RulebookFile:
    source = f"{slug}/{version}.yaml"
    data = parse(RulebookFile, _read(RULEBOOKS / slug / f"{version}.yaml", source), source)
    if (data.slug, data.version) != (slug, version):
        raise RulebookError(f"{source}: slug/version inside the file ({data.slug}/{data.version}) must match its path")
    return data


@cache
def _layer_file(name: str, version: str) -> LayerFile:
    source = f"layers/{name}/{version}.yaml"
    data = parse(LayerFile, _read(LAYERS / name / f"{version}.yaml", source), source)
    if (data.layer, data.version) != (name, version):
        raise RulebookError(f"{source}: layer/version inside the file ({data.layer}/{data.version}) must match its path")
    return data


def versions(slug: str) -> list[str]:
    folder = RULEBOOKS / slug
    if not folder.is_dir():
        return []
    return sorted((p.stem for p in folder.glob("*.yaml")), key=_version_key)


def available() -> list[tuple[str, list[str]]]:
    """Every shipped rulebook slug with its versions, oldest first."""
    return [(p.name, versions(p.name)) for p in sorted(RULEBOOKS.iterdir()) if p.is_dir() and versions(p.name)]


def layer_files() -> list[LayerFile]:
    """Every shipped layer version (the coverage report counts rules from all of them)."""
    found = []
    for folder in sorted(LAYERS.iterdir()):
        if folder.is_dir():
            found += [_layer_file(folder.name, p.stem) for p in sorted(folder.glob("*.yaml"), key=lambda p: _version_key(p.stem))]
    return found


def _assemble(book: RulebookFile, source: str, layer_switch: dict[str, bool] | None = None) -> Rulebook:
    from .checks import load_all

    registry = load_all()
    clauses = catalogue.clauses()
    params = {name: spec.value for name, spec in book.parameters.items()}
    errors: list[str] = []

    missing = [p for p in REQUIRED_PARAMS if p not in params]
    if missing:
        errors.append(f"{source}: parameters: missing {missing}")
    for name, spec in book.parameters.items():
        bad = [c for c in spec.clauses if c not in clauses]
        if bad:
            errors.append(f"{source}: parameters.{name}.clauses: unknown clause ids {bad}")

    rules: list[Rule] = []
    judgements: list[HumanJudgement] = []
    layers: list[LayerInfo] = []
    seen: set[str] = set()
    for ref in book.layers:
        try:
            layer = _layer_file(ref.layer, ref.version)
        except RulebookError as exc:
            errors.append(f"{source}: layers: {exc}")
            continue
        enabled = ref.enabled if layer_switch is None or ref.layer not in layer_switch else layer_switch[ref.layer]
        layers.append(LayerInfo(ref.layer, ref.version, layer.title, enabled, layer.proposal, layer.description))
        lsource = f"layers/{ref.layer}/{ref.version}.yaml"
        for spec in layer.rules:
            where = f"{lsource}: rules ({spec.id})"
            if spec.id in seen:
                errors.append(f"{where}.id: defined twice")
            seen.add(spec.id)
            if spec.check not in registry:
                errors.append(f"{where}.check: unknown check function {spec.check!r}")
            bad = [c for c in spec.clauses if c not in clauses]
            if bad:
                errors.append(f"{where}.clauses: unknown clause ids {bad}")
            cites_proposal = any(c.startswith("P-") for c in spec.clauses)
            if cites_proposal and not layer.proposal:
                errors.append(f"{where}.clauses: rules citing proposals (P-…) belong in a proposal layer")
            if layer.proposal and spec.severity == "blocker":
                errors.append(f"{where}.severity: a proposal rule is never a blocker")
            unknown = [p for p in spec.params if p not in params]
            if unknown:
                errors.append(f"{where}.params: not defined in {source}: {unknown}")
            if spec.gates and spec.active_from and STAGES.index(spec.active_from) >= STAGES.index(spec.gates):
                errors.append(f"{where}.active_from: must be a stage before the gated stage {spec.gates!r}")
            if not enabled:
                continue
            a = spec.applies
            rules.append(
                Rule(
                    id=spec.id,
                    clause_ids=spec.clauses,
                    kinds=spec.kinds,
                    check=spec.check,
                    severity=spec.severity,
                    message=spec.message,
                    hint=spec.hint,
                    gates=spec.gates,
                    active_from=spec.active_from,
                    applies=Applicability(a.sectors, a.org_kinds, a.has_committee, a.half, a.special),
                    overridable=spec.overridable,
                    override_roles=spec.override_roles,
                    params=spec.params,
                    options=MappingProxyType(dict(spec.options)),
                    steps=spec.steps,
                    layer=ref.layer,
                    proposal=layer.proposal,
                    note=spec.note,
                    fn=registry.get(spec.check),
                )
            )
        for hj in layer.human_judgement:
            if hj.clause not in clauses:
                errors.append(f"{lsource}: human_judgement ({hj.clause}).clause: unknown clause id")
            if enabled:
                judgements.append(HumanJudgement(hj.clause, hj.category, hj.reason, hj.guidance, hj.kinds, hj.steps, ref.layer, layer.proposal))

    by_id = {r.id: r for r in rules}
    known = seen
    for adj in book.adjustments:
        where = f"{source}: adjustments ({adj.id})"
        if adj.id not in known:
            errors.append(f"{where}.id: no such rule in the rulebook's layers")
            continue
        rule = by_id.get(adj.id)
        if rule is None:
            continue  # its layer is switched off
        if not adj.enabled:
            del by_id[adj.id]
            continue
        if rule.proposal and adj.severity == "blocker":
            errors.append(f"{where}.severity: a proposal rule is never a blocker")
        by_id[adj.id] = replace(
            rule,
            severity=adj.severity or rule.severity,
            message=adj.message or rule.message,
            hint=adj.hint or rule.hint,
            override_roles=adj.override_roles or rule.override_roles,
        )
    if errors:
        raise RulebookError("\n".join(errors))
    ordered = tuple(by_id[r.id] for r in rules if r.id in by_id)
    return Rulebook(
        slug=book.slug,
        version=book.version,
        title=book.title,
        params=MappingProxyType(params),
        jurisdiction=book.jurisdiction,
        description=book.description,
        effective_from=book.effective_from,
        basis=book.basis,
        parameters=MappingProxyType({n: Parameter(n, s.label, s.value, s.unit, s.clauses, s.proposal, s.note) for n, s in book.parameters.items()}),
        rules=ordered,
        human_judgements=tuple(judgements),
        layers=tuple(layers),
    )


@cache
def _load(slug: str, version: str) -> Rulebook:
    return _assemble(_rulebook_file(slug, version), f"{slug}/{version}.yaml")


def load(slug: str = DEFAULT_SLUG, version: str | None = None) -> Rulebook:
    """The rulebook `slug` at exactly `version` (the latest when None)."""
    if version is None:
        found = versions(slug)
        if not found:
            raise RulebookError(f"{slug}: no such rulebook")
        version = found[-1]
    return _load(slug, str(version))


def current_for(organization) -> Rulebook:
    """The rulebook chosen by the organization's nearest ancestor (itself included) that made
    a choice, in its latest version; `district-2024` when nobody chose. One query."""
    from .selection import chosen_slug

    return load(chosen_slug(organization) or DEFAULT_SLUG)


# -- checking ------------------------------------------------------------------------------


class _Keep(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _show(value: Any) -> str:
    if isinstance(value, date):
        return dates.written(value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _finding(rule: Rule, result: Any, ctx: Context, overridden: bool) -> Finding:
    objects, values = (result.objects, result.values) if isinstance(result, Hit) else (tuple(result), {})
    fields = _Keep({name: _show(ctx.params[name]) for name in rule.params if name in ctx.params})
    fields.update({k: _show(v) for k, v in values.items()})
    fields["n"] = str(len(objects))
    formatter = string.Formatter()
    return Finding(
        rule_id=rule.id,
        severity=rule.severity,
        clause_ids=rule.clause_ids,
        message=formatter.vformat(rule.message, (), fields),
        hint=formatter.vformat(rule.hint, (), fields),
        gates=rule.gates,
        objects=objects,
        overridable=rule.overridable,
        override_roles=rule.override_roles,
        proposal=rule.proposal,
        overridden=overridden,
        label=PROPOSAL_LABEL if rule.proposal else "",
    )


# How a message reads on the rules page, where no meeting fills in the values.
PLACEHOLDERS = {
    "n": "若干",
    "start": "起始日",
    "end": "截止日",
    "due": "某日",
    "latest": "某日",
    "theme": "上级确定的主题",
    "days": "实际",
    "need": "规定",
    "expected": "方案确定的顺序",
}


def describe(text: str, rulebook: Rulebook) -> str:
    """A rule's message or hint with the rulebook's parameters filled in and the per-meeting
    values named in words (for the rules page)."""
    fields = _Keep({name: _show(value) for name, value in rulebook.params.items() if not isinstance(value, dict | list)})
    fields.update(PLACEHOLDERS)
    return string.Formatter().vformat(text, (), fields)


def check(snapshot: MeetingSnapshot, rulebook: Rulebook) -> list[Finding]:
    """Run every rule of `rulebook` that applies to this meeting; pure (no ORM, no I/O)."""
    ctx = Context(snapshot, rulebook.params)
    stage = STAGES.index(snapshot.stage) if snapshot.stage in STAGES else 0
    findings = []
    for rule in rulebook.rules_for(snapshot.kind):
        if rule.active_from and stage < STAGES.index(rule.active_from):
            continue
        if not rule.applies.matches(snapshot):
            continue
        result = rule.fn(ctx, **rule.options)
        if result:
            findings.append(_finding(rule, result, ctx, rule.id in snapshot.overrides))
    return findings


def blockers(findings: list[Finding], target_stage: str, overrides: frozenset[str] = frozenset()) -> list[Finding]:
    """The blockers that stop entry to `target_stage`, minus those overridden.

    Gates are cumulative: a blocker gating an earlier stage also stops every later one (a
    meeting cannot be held, or closed, while its plan is unapproved — unless overridden).
    """
    target = STAGES.index(target_stage)
    return [
        f
        for f in findings
        if f.severity == "blocker" and f.gates in STAGES and STAGES.index(f.gates) <= target and not f.overridden and f.rule_id not in overrides
    ]


def guidance_for(kind: str, step: str, rulebook: Rulebook | None = None) -> list[tuple[str, str]]:
    """(clause id, Chinese text) to show at a step: the clauses no software can check
    (attitude, guidance). Proposal texts carry the "提议，非本地制度原文" label."""
    rb = rulebook or load()
    out = []
    for hj in rb.human_judgements:
        if hj.guidance and kind in hj.kinds and step in hj.steps:
            text = f"【{PROPOSAL_LABEL}】{hj.guidance}" if hj.proposal else hj.guidance
            out.append((hj.clause_id, text))
    return out
