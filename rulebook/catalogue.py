"""The clause catalogue (`rulebook/data/clauses.yaml`), generated from regulations/clauses.md
by `python -m rulebook.tools.build_clauses`. Runtime reads only this committed copy."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

PATH = Path(__file__).resolve().parent / "data" / "clauses.yaml"


@dataclass(frozen=True)
class Clause:
    id: str
    section: str
    kind: str
    quote: str  # exact Chinese source text; empty for GAP and proposal entries
    gloss: str
    behaviour: str = ""
    source: str = "text"  # text | gap | proposal
    gap: str = ""
    basis: str = ""
    evidence: str = ""

    @property
    def section_label(self) -> str:
        """The section heading in Chinese only: "OL-2 会前准备 (preparation)" → "OL-2 会前准备"."""
        return re.sub(r"\s*\(.*\)\s*$", "", self.section).replace("Preamble", "序言")

    @property
    def meeting_kind(self) -> str:
        """OL clauses concern 组织生活会; DL, GAP-DL and P-DL clauses 民主生活会."""
        return "org_life" if self.id.startswith("OL-") else "democratic_life"

    @property
    def is_proposal(self) -> bool:
        return self.source == "proposal"


@cache
def clauses() -> dict[str, Clause]:
    data = yaml.safe_load(PATH.read_text(encoding="utf-8"))
    return {entry["id"]: Clause(**entry) for entry in data["clauses"]}


def get(clause_id: str) -> Clause | None:
    return clauses().get(clause_id)
