"""Audit trail (issue 3 item 7): append-only in the ORM and in the database, hash-chained,
`verify_audit` detects raw-SQL tampering on both engines."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from audit.db import drop_triggers, install_triggers
from audit.models import AuditEntry
from audit.services import record, verify_chain


@pytest.fixture
def entries(world):
    for i in range(5):
        record(world.operator, world.b1, world.b1, "organization.updated", {"i": i, "名称": "幸福社区"})
    return list(AuditEntry.objects.order_by("seq"))


def test_entries_are_chained_in_sequence(entries):
    seqs = [e.seq for e in entries]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))
    for previous, current in zip(entries, entries[1:]):
        assert current.prev_hash == previous.hash
    assert verify_chain()[0]


def test_orm_refuses_update_and_delete(entries):
    entry = entries[0]
    entry.action = "member.created"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="x")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()


def test_database_refuses_raw_update_and_delete(entries):
    table = AuditEntry._meta.db_table
    for sql in (f"UPDATE {table} SET action = 'x' WHERE seq = %s", f"DELETE FROM {table} WHERE seq = %s"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [entries[0].seq])
    assert AuditEntry.objects.get(pk=entries[0].pk).action == "organization.updated"


def _tamper(sql, params):
    """A DBA with full rights: disable the guard, change a row, restore the guard."""
    drop_triggers(connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    install_triggers(connection)


@pytest.mark.parametrize(
    "how",
    ["data", "action", "delete_middle", "delete_last"],
)
def test_verify_audit_names_the_first_altered_entry(entries, how):
    table = AuditEntry._meta.db_table
    target = entries[2]
    call_command("verify_audit")  # intact chain: exit 0
    if how == "data":
        _tamper(f"UPDATE {table} SET data = %s WHERE seq = %s", ['{"i": 99}', target.seq])
        bad = target.seq
    elif how == "action":
        _tamper(f"UPDATE {table} SET action = %s WHERE seq = %s", ["member.revealed", target.seq])
        bad = target.seq
    elif how == "delete_middle":
        _tamper(f"DELETE FROM {table} WHERE seq = %s", [target.seq])
        bad = target.seq
    else:
        _tamper(f"DELETE FROM {table} WHERE seq = %s", [entries[-1].seq])
        bad = entries[-1].seq
    ok, first_bad, _ = verify_chain()
    assert not ok and first_bad == bad
    with pytest.raises(CommandError, match=f"序号 {bad}"):
        call_command("verify_audit")


def test_record_requires_a_registered_action(world):
    with pytest.raises(KeyError):
        record(world.operator, world.b1, world.b1, "made.up.action")


def test_entry_never_holds_personal_data(world):
    from organizations.services import reveal_member_pii

    member = world.member_member
    reveal_member_pii(member, actor=world.secretary, reason="核对")
    entry = AuditEntry.objects.filter(action="member.revealed").latest("seq")
    text = str(entry.data) + entry.object_repr
    assert member.id_number not in text and member.phone not in text
    assert entry.actor_id == world.secretary.pk and entry.role == "secretary"


@pytest.mark.django_db
def test_anonymous_entry_drops_actor_address_and_request_id(world):
    """An anonymous entry (a ballot cast) cannot be joined to the user, the access log or the session."""
    from core.middleware import _request_context

    token = _request_context.set({"ip": "10.9.8.7", "request_id": "abc123"})
    try:
        named = record(world.secretary, world.b1, world.b1, "organization.updated", {})
        anonymous = record(world.secretary, world.b1, world.b1, "organization.updated", {}, anonymous=True)
    finally:
        _request_context.reset(token)
    assert (named.actor_id, named.ip, named.request_id) == (world.secretary.pk, "10.9.8.7", "abc123")
    assert (anonymous.actor_id, anonymous.actor_label, anonymous.ip, anonymous.request_id) == (None, "系统", "", "")
    assert verify_chain()[0]
