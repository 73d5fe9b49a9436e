"""Roster import, perf passes (issue 11 item 2): new members are one audit entry per import, changed
members one entry each; no query per row: new members are one INSERT (`executemany`, COPY on
PostgreSQL) whatever the file's length, only the audit entries of changed members are batched."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEntry
from audit.services import verify_chain
from organizations.models import Member
from organizations.roster import import_roster

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


def _queries(data, scope, actor) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        result = import_roster(data, scope, actor=actor)
    return len(ctx.captured_queries), result


def test_import_of_new_members_makes_as_many_queries_for_500_rows_as_for_10(world, scope, django_assert_max_num_queries):
    small, result = _queries(xlsx(_rows(world, 10)), scope, world.operator)
    assert result.created == 10
    with django_assert_max_num_queries(small):
        assert import_roster(xlsx(_rows(world, 500, start=100)), scope, actor=world.operator).created == 500
    assert Member.objects.filter(name__startswith="党员").count() == 510


def test_reimport_of_changed_members_grows_only_by_audit_insert_batches(world, scope):
    """Each changed member keeps its own `member.updated` entry; those are bulk INSERTs of ~50 rows
    (SQLite's 999 parameters), the only statements that grow with the file."""

    def changed(n, start):
        rows = _rows(world, n, start)
        import_roster(xlsx(rows), scope, actor=world.operator)
        for r in rows:
            r["困难党员"] = "是"
        count, result = _queries(xlsx(rows), scope, world.operator)
        assert result.updated == n
        return count

    small, large = changed(10, 0), changed(500, 100)
    assert large - small <= 500 // 50
    assert Member.objects.filter(name__startswith="党员", is_in_difficulty=True).count() == 510


def test_new_members_are_stored_as_saving_them_one_by_one_would(world, scope):
    """The one-statement INSERT (COPY on PostgreSQL) prepares values as the fields do: defaults,
    timestamps, UUIDs, ciphertexts that decrypt, masks, the gender derived from the ID number."""
    from django.utils import timezone

    started = timezone.now()
    values = row(world.b1, 姓名="逐项核对", 入党日期="2003-07-01", 流动党员="是", 流动方向="流入", **{"流入/流出党组织": world.b2.code})
    result = import_roster(xlsx([values]), scope, actor=world.operator)
    assert result.ok, result.errors
    member = Member.objects.with_id_number(values["公民身份号码"]).get()
    assert member.id_number == values["公民身份号码"] and member.phone == "13912345678"
    assert member.id_number_masked.count("*") >= 8 and member.phone_masked.count("*") >= 4
    assert member.gender and member.uid and member.version == 1 and member.is_active
    assert started <= member.created_at == member.updated_at <= timezone.now()
    assert (member.organization, member.joined_on, member.flow_direction, member.flow_organization) == (world.b1, datetime.date(2003, 7, 1), "in", world.b2)
