"""The committed clause catalogue and the script that generates it."""

from pathlib import Path

import pytest

from rulebook import catalogue
from rulebook.tools import build_clauses

SAMPLE = """
## Part A — 基层组织生活会制度 (OL)
### OL-2 会前准备 (preparation)
| ID | Source (exact) | Gloss | Kind | System behaviour |
|---|---|---|---|---|
| OL-2.4.a | 「上级党组织负责同志要与党支部书记谈心谈话」 | A leader talks with the secretary. | coverage | Pair. |
| OL-2.5.a | 「区直机关」 … 「要撰写简要对照检查材料」 | Leaders write. | role | Self-exam. |
## §GAP — garbled
| ID | What is missing | Evidence | Handling in the system |
|---|---|---|---|
| GAP-DL-2.6 | A talk clause. | OL has one. | Proposals. |
## §PROPOSALS — NOT IN THE SOURCE TEXT
| ID | For GAP | Proposed obligation (reconstructed, not a quotation) | Basis / confidence | Kind | Suggested behaviour |
|---|---|---|---|---|---|
| P-DL-2.6.a | GAP-DL-2.6 | Main leader talks with each. | High. | coverage | Pairs. |
"""


def test_build_script_parses_quotes_sections_gaps_and_proposals():
    parsed = {c["id"]: c for c in build_clauses.parse(SAMPLE)}
    assert parsed["OL-2.4.a"]["quote"] == "上级党组织负责同志要与党支部书记谈心谈话"
    assert parsed["OL-2.4.a"]["section"] == "OL-2 会前准备 (preparation)"
    assert parsed["OL-2.5.a"]["quote"] == "区直机关 … 要撰写简要对照检查材料"
    assert parsed["GAP-DL-2.6"]["source"] == "gap" and parsed["GAP-DL-2.6"]["quote"] == ""
    assert parsed["P-DL-2.6.a"]["source"] == "proposal" and parsed["P-DL-2.6.a"]["kind"] == "coverage"


def test_duplicate_ids_are_refused():
    with pytest.raises(ValueError, match="duplicate"):
        build_clauses.parse(SAMPLE + SAMPLE.split("## §GAP")[0].split("|---|---|---|---|---|")[1])


def test_committed_catalogue_has_every_clause_with_exact_quotes():
    clauses = catalogue.clauses()
    assert len(clauses) == 146
    assert clauses["OL-3.1.g"].quote == "相互批评要抹开面子，直截了当指出问题和不足，真心实意提出改进意见"
    assert clauses["DL-1.1.b"].quote == "遵循“团结一批评与自我批评一团结”的方针"  # the source's typo, kept
    assert clauses["P-DL-2.6.a"].is_proposal and clauses["P-DL-2.6.a"].meeting_kind == "democratic_life"
    assert all(c.quote for c in clauses.values() if c.source == "text")


SOURCE = Path("/work/shared/regulations/clauses.md")


@pytest.mark.skipif(not SOURCE.exists(), reason="the regulations folder is not on this machine")
def test_committed_catalogue_matches_the_source():
    assert build_clauses.render(build_clauses.parse(SOURCE.read_text(encoding="utf-8"))) == catalogue.PATH.read_text(encoding="utf-8")
