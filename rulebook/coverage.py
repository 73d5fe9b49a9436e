"""Clause traceability: for every clause of the catalogue, the rules that implement it, the
`human_judgement` entries that explain why no rule can, and the tests that name it.

Tests name a clause in their function name (``test_OL_2_4_a_…``) or docstring
(``OL-2.4.a``); a rule counts as exercised when a test function mentions its id as a string
(``fires(snapshot, "OL-2.2.d.total")``). Used by `manage.py clause_coverage` and the rules page.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

from . import catalogue
from .engine import _rulebook_file, available, layer_files
from .schema import RULE_ID

NAME_ID = re.compile(r"(?<![A-Za-z])(P_DL|GAP_DL|OL|DL)_(\d+)_(\d+)(?:_([a-z0-9])(?![a-z0-9]))?")
DOC_ID = re.compile(r"(?<![A-Za-z0-9-])(P-DL|GAP-DL|OL|DL)-(\d+)\.(\d+)(?:\.([a-z0-9])(?![a-z0-9]))?")
SKIP_DIRS = {".venv", "venv", "node_modules", ".git", "var", "static", "test-artifacts", "__pycache__"}


def _ids(regex: re.Pattern, text: str, known: dict) -> set[str]:
    found = set()
    for m in regex.finditer(text):
        prefix = m.group(1).replace("_", "-")
        base = f"{prefix}-{m.group(2)}.{m.group(3)}"
        full = f"{base}.{m.group(4)}" if m.group(4) else base
        if full in known:
            found.add(full)
        elif base in known:
            found.add(base)
    return found


def _test_files(root: Path):
    for path in sorted(root.rglob("test_*.py")):
        if not SKIP_DIRS.intersection(path.relative_to(root).parts):
            yield path


def scan_tests(root: Path) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(clause id → tests naming it, rule id → tests mentioning it)."""
    known = catalogue.clauses()
    by_clause: dict[str, list[str]] = defaultdict(list)
    by_rule: dict[str, list[str]] = defaultdict(list)
    for path in _test_files(root):
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (SyntaxError, UnicodeDecodeError):
            continue
        rel = path.relative_to(root).as_posix()
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) or not node.name.startswith("test"):
                continue
            label = f"{rel}::{node.name}"
            ids = _ids(NAME_ID, node.name, known) | _ids(DOC_ID, ast.get_docstring(node) or "", known)
            for cid in ids:
                by_clause[cid].append(label)
            for sub in ast.walk(node):
                if isinstance(sub, ast.Constant) and isinstance(sub.value, str) and RULE_ID.match(sub.value):
                    by_rule[sub.value].append(label)
    return by_clause, by_rule


def report(root: Path) -> dict:
    clauses = catalogue.clauses()
    users: dict[tuple[str, str], list[str]] = defaultdict(list)  # (layer, version) → rulebooks
    for slug, versions in available():
        for version in versions:
            for ref in _rulebook_file(slug, version).layers:
                users[(ref.layer, ref.version)].append(f"{slug}@{version}" + ("" if ref.enabled else "（未启用）"))

    rules_by_clause: dict[str, list[dict]] = defaultdict(list)
    judgement_by_clause: dict[str, list[dict]] = defaultdict(list)
    all_rules: dict[str, dict] = {}
    for layer in layer_files():
        where = {"layer": f"{layer.layer}@{layer.version}", "rulebooks": users.get((layer.layer, layer.version), [])}
        for spec in layer.rules:
            entry = {"id": spec.id, "severity": spec.severity, "gates": spec.gates, "proposal": layer.proposal, **where}
            all_rules.setdefault(spec.id, entry)
            for cid in spec.clauses:
                rules_by_clause[cid].append(entry)
        for hj in layer.human_judgement:
            judgement_by_clause[hj.clause].append({"category": hj.category, "reason": hj.reason, **where})

    tests_by_clause, tests_by_rule = scan_tests(root)
    rows = []
    for cid, clause in clauses.items():
        rules = rules_by_clause.get(cid, [])
        judgements = [j for j in judgement_by_clause.get(cid, []) if j["reason"].strip()]
        status = "rule" if rules else "human_judgement" if judgements else "missing"
        rows.append(
            {
                "id": cid,
                "section": clause.section,
                "kind": clause.kind,
                "source": clause.source,
                "status": status,
                "rules": rules,
                "human_judgement": judgements,
                "tests": sorted(set(tests_by_clause.get(cid, []))),
            }
        )
    unknown = sorted({c for c in rules_by_clause if c not in clauses} | {c for c in judgement_by_clause if c not in clauses})
    untested_rules = sorted(r for r in all_rules if r not in tests_by_rule)
    return {
        "clauses": rows,
        "unknown_clause_ids": unknown,
        "rules_without_tests": untested_rules,
        "totals": {
            "clauses": len(rows),
            "with_rules": sum(r["status"] == "rule" for r in rows),
            "human_judgement_only": sum(r["status"] == "human_judgement" for r in rows),
            "missing": sum(r["status"] == "missing" for r in rows),
            "with_tests": sum(bool(r["tests"]) for r in rows),
            "rules": len(all_rules),
            "rules_without_tests": len(untested_rules),
        },
    }
