"""The shape of rulebook and layer files, validated on load.

A bad file fails with `RulebookError` naming the file and the key path, e.g.
``district-2024/1.yaml: rules[4] (OL-2.4.a).severity: Input should be 'blocker', 'warning' or 'info'``.
Cross-checks that need more than one file (known check functions, known clause IDs, known
parameters, proposal rules never `blocker`) happen in `engine._assemble`, with the same error.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .constants import HALVES, KINDS, ORG_KINDS, ROLES, SECTORS, SEVERITIES, STAGES, STEPS

Stage = Literal[STAGES]  # type: ignore[valid-type]
Kind = Literal[KINDS]  # type: ignore[valid-type]
Severity = Literal[SEVERITIES]  # type: ignore[valid-type]
Sector = Literal[SECTORS]  # type: ignore[valid-type]
OrgKind = Literal[ORG_KINDS]  # type: ignore[valid-type]
Half = Literal[HALVES]  # type: ignore[valid-type]
Role = Literal[ROLES]  # type: ignore[valid-type]
Step = Literal[STEPS]  # type: ignore[valid-type]

RULE_ID = re.compile(r"^(OL|DL|P-DL|GAP-DL)-[0-9]+(\.[0-9a-z]+)*(\.[a-z_]+)?$")
CLAUSE_ID = re.compile(r"^(OL|DL|P-DL|GAP-DL)-[0-9]+\.[0-9]+(\.[0-9a-z])?$")
NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class RulebookError(ValueError):
    """A rulebook or layer file that cannot be used; the message names the file and key."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Applicability(_Strict):
    """Which meetings a rule applies to; an unset key means "any"."""

    sectors: tuple[Sector, ...] | None = None
    org_kinds: tuple[OrgKind, ...] | None = None
    has_committee: bool | None = None
    half: Half | None = None
    special: bool | None = None


class RuleSpec(_Strict):
    id: str
    clauses: tuple[str, ...] = Field(min_length=1)
    kinds: tuple[Kind, ...] = Field(min_length=1)
    check: str
    severity: Severity
    gates: Stage | None = None
    active_from: Stage | None = None  # not evaluated before the meeting reaches this stage
    message: str = Field(min_length=1)
    hint: str = Field(min_length=1)
    applies: Applicability = Applicability()
    overridable: bool = True
    override_roles: tuple[Role, ...] = ("reviewer",)
    params: tuple[str, ...] = ()
    options: dict[str, Any] = {}
    steps: tuple[Step, ...] = ()
    note: str = ""

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not RULE_ID.match(value):
            raise ValueError(f"rule id {value!r} must start with a clause id, e.g. OL-2.4.a or OL-2.2.d.total")
        return value

    @field_validator("clauses")
    @classmethod
    def _clauses(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        bad = [c for c in value if not CLAUSE_ID.match(c)]
        if bad:
            raise ValueError(f"malformed clause ids {bad}")
        return value

    @field_validator("check")
    @classmethod
    def _check(cls, value: str) -> str:
        if not NAME.match(value):
            raise ValueError("check must be the name of a function in rulebook.checks")
        return value


class HumanJudgementSpec(_Strict):
    """A clause no software can check (attitude, guidance text) or one enforced by the
    structure of the app rather than by a rule. `reason` says which and why."""

    clause: str
    category: Literal["attitude", "guidance", "structural", "metadata", "label"]
    reason: str = Field(min_length=4)
    guidance: str = ""  # Chinese text shown at `steps`
    kinds: tuple[Kind, ...] = Field(min_length=1)
    steps: tuple[Step, ...] = ()

    @field_validator("clause")
    @classmethod
    def _clause(cls, value: str) -> str:
        if not CLAUSE_ID.match(value):
            raise ValueError(f"malformed clause id {value!r}")
        return value


class LayerFile(_Strict):
    layer: str
    version: str
    title: str
    description: str = ""
    proposal: bool = False  # every rule here is a proposal (P-…), never `blocker`
    rules: tuple[RuleSpec, ...] = ()
    human_judgement: tuple[HumanJudgementSpec, ...] = ()


class LayerRef(_Strict):
    layer: str
    version: str
    enabled: bool = True


class ParameterSpec(_Strict):
    label: str = Field(min_length=1)  # Chinese name
    value: Any
    unit: str = Field(min_length=1)
    clauses: tuple[str, ...] = ()
    proposal: bool = False  # the value is not in this jurisdiction's text (a suggested default)
    note: str = ""

    @field_validator("value")
    @classmethod
    def _value(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("value is required (write the number, or leave the parameter out)")
        return value


class Adjustment(_Strict):
    """A rulebook's own change to a layer rule: switch it off, or change its severity/text."""

    id: str
    enabled: bool = True
    severity: Severity | None = None
    message: str | None = None
    hint: str | None = None
    override_roles: tuple[Role, ...] | None = None


class RulebookFile(_Strict):
    slug: str
    version: str
    title: str
    jurisdiction: str
    description: str = ""
    effective_from: date | None = None
    basis: tuple[str, ...] = ()
    layers: tuple[LayerRef, ...] = Field(min_length=1)
    parameters: dict[str, ParameterSpec]
    adjustments: tuple[Adjustment, ...] = ()

    @field_validator("parameters")
    @classmethod
    def _names(cls, value: dict[str, ParameterSpec]) -> dict[str, ParameterSpec]:
        bad = [k for k in value if not NAME.match(k)]
        if bad:
            raise ValueError(f"parameter names must be snake_case: {bad}")
        return value


def _where(raw: Any, loc: tuple) -> str:
    """`rules[4] (OL-2.4.a).severity` from pydantic's location, naming the rule by its id."""
    parts: list[str] = []
    node = raw
    for step in loc:
        if isinstance(step, int):
            label = f"[{step}]"
            try:
                node = node[step]
                if isinstance(node, dict) and ("id" in node or "clause" in node):
                    label += f" ({node.get('id') or node.get('clause')})"
            except (IndexError, KeyError, TypeError):
                node = None
            parts.append(label)
        else:
            parts.append(("." if parts else "") + str(step))
            node = node.get(step) if isinstance(node, dict) else None
    return "".join(parts) or "(top level)"


def parse(model: type[BaseModel], raw: Any, source: str) -> Any:
    if not isinstance(raw, dict):
        raise RulebookError(f"{source}: the file must hold a mapping at the top level")
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        lines = [f"{source}: {_where(raw, tuple(err['loc']))}: {err['msg']}" for err in exc.errors()]
        raise RulebookError("\n".join(lines)) from None
