"""Roster import, perf pass (issue 11 item 2): new members are one audit entry per import, changed
members one entry each; no query per row (only the bulk INSERT batches grow)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEntry
from audit.services import verify_chain
from organizations.models import Member
from organizations.roster import _has_formulas, import_roster

from .test_roster_import import row, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def scope(world):
    return world.p1


def _rows(world, n, start=0):
    return [row(world.b1, 姓名=f"党员{start + i}") for i in range(n)]


def test_new_members_are_one_audit_entry_naming_them(world, scope):
    before = AuditEntry.objects.count()
    result = import_roster(xlsx(_rows(world, 5)), scope, actor=world.operator)
    assert result.ok and result.created == 5
    entries = list(AuditEntry.objects.order_by("seq")[before:])
    assert [e.action for e in entries] == ["roster.imported"]
    created = set(Member.objects.filter(name__startswith="党员").values_list("pk", flat=True))
    assert set(entries[0].data["created_ids"]) == created
    assert entries[0].data["created"] == 5
    assert verify_chain()[0]


def test_import_query_count_grows_only_by_insert_batches(world, scope):
    def count(n, start):
        data = xlsx(_rows(world, n, start))
        with CaptureQueriesContext(connection) as ctx:
            assert import_roster(data, scope, actor=world.operator).created == n
        return len(ctx.captured_queries)

    small, large = count(30, 0), count(300, 100)
    # Only the INSERT batches grow (SQLite caps a statement at 999 parameters: ~24 members each).
    assert large - small <= 300 // 20


def test_formula_detection_reads_every_worksheet():
    import io

    from openpyxl import Workbook

    wb = Workbook()
    wb.active["A1"] = "姓名"
    wb.create_sheet("其他")["B2"] = "=1+1"
    out = io.BytesIO()
    wb.save(out)
    assert _has_formulas(out.getvalue())
    plain = Workbook()
    plain.active["A1"] = "=不是公式"  # a string cell starting with "=" is written as a formula by openpyxl
    plain.active["A1"].data_type = "s"
    out = io.BytesIO()
    plain.save(out)
    assert not _has_formulas(out.getvalue())
