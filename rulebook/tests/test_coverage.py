"""Clause traceability: `manage.py clause_coverage` exits 0 with every clause accounted for,
and every rule is exercised by a test that names it."""

import io
import json

import pytest
from django.core.management import call_command

from rulebook import catalogue
from rulebook.coverage import DOC_ID, NAME_ID, _ids


@pytest.fixture(scope="module")
def data():
    out = io.StringIO()
    call_command("clause_coverage", "--json", stdout=out)  # raises CommandError(returncode=1) on a gap
    return json.loads(out.getvalue())


def test_clause_coverage_command_exits_zero_and_accounts_for_every_clause(data):
    assert data["totals"]["missing"] == 0
    assert data["totals"]["clauses"] == len(catalogue.clauses()) == 146
    assert data["unknown_clause_ids"] == []
    assert data["rules_without_tests"] == [], "add a test naming these rules"
    row = next(r for r in data["clauses"] if r["id"] == "OL-3.1.g")
    assert row["status"] == "rule" and row["human_judgement"] and row["tests"]


def test_clause_coverage_text_output_lists_rules_and_tests():
    out = io.StringIO()
    call_command("clause_coverage", stdout=out)
    text = out.getvalue()
    assert "OL-2.4.a" in text and "test_OL_2_4_a_superior_talk_missing_is_blocker" in text
    assert "缺失 0" in text


def test_every_clause_is_named_by_some_test(data):
    untested = [r["id"] for r in data["clauses"] if not r["tests"] and r["status"] == "rule"]
    assert untested == []


def test_clause_ids_are_read_from_test_names_and_docstrings():
    known = catalogue.clauses()
    assert _ids(NAME_ID, "test_OL_2_4_a_superior_talk", known) == {"OL-2.4.a"}
    assert _ids(NAME_ID, "test_DL_1_3_overlap", known) == {"DL-1.3"}
    assert _ids(NAME_ID, "test_P_DL_3_2_0_label", known) == {"P-DL-3.2.0"}
    assert _ids(NAME_ID, "test_P_DL_3_2_a_x", known) == {"P-DL-3.2.a"}  # not DL-3.2.a
    assert _ids(DOC_ID, "see OL-2.2.d.total and GAP-DL-2.7; P-DL-2.6.a", known) == {"OL-2.2.d", "GAP-DL-2.7", "P-DL-2.6.a"}


def test_missing_clause_makes_the_command_fail(monkeypatch):
    from django.core.management.base import CommandError

    from rulebook import coverage

    real = coverage.report

    def with_gap(root):
        data = real(root)
        data["clauses"][0]["status"] = "missing"
        data["totals"]["missing"] = 1
        return data

    monkeypatch.setattr("rulebook.management.commands.clause_coverage.report", with_gap)
    with pytest.raises(CommandError) as exc:
        call_command("clause_coverage", stdout=io.StringIO())
    assert exc.value.returncode == 1
