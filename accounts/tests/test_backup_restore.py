"""数据备份恢复 8.1.4.9: back up, restore into a fresh database, and find every meeting, item
and audit entry with the audit chain still verifying and the evidence files present
(the commands of docs/backup.md, run for real)."""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from audit.models import AuditEntry
from audit.services import record, verify_chain
from meetings.models import Meeting
from rectification import services as rectification_services
from rectification.models import Evidence, RectificationItem
from rectification.tests.factories import PNG, make_item, make_meeting

ROOT = Path(__file__).resolve().parents[2]


def _populate(world) -> dict:
    meetings = [make_meeting(org) for org in (world.b1, world.b2, world.b3)]
    items = [make_item(m) for m in meetings]
    rectification_services.report_progress(items[0], actor=world.secretary, note="已建立制度", files=[rectification_services.Upload("照片.png", PNG)])
    for meeting in meetings:
        record(world.operator, meeting.organization, meeting, "audit.viewed", {"drill": True})
    ok, _, _ = verify_chain()
    assert ok and Evidence.objects.count() == 1
    return {
        "meetings": Meeting.objects.count(),
        "items": RectificationItem.objects.count(),
        "audit_entries": AuditEntry.objects.count(),
        "audit_last_seq": AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first(),
    }


def _restore_check(database_url: str, media: Path) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url, "PRIVATE_MEDIA_ROOT": str(media)}
    result = subprocess.run([sys.executable, "manage.py", "restore_check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def _assert_complete(found: dict, expected: dict):
    for key, value in expected.items():
        assert found[key] == value, (key, found, expected)
    assert found["chain_ok"] and found["evidence_missing"] == []


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_postgres_dump_restore_into_a_fresh_database(world, tmp_path, settings):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (the SQLite file copy is tested below)")
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    expected = _populate(world)
    db = connection.settings_dict
    args = ["-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432), "-U", db["USER"] or "postgres"]
    env = {**os.environ, "PGPASSWORD": db["PASSWORD"] or ""}
    dump = tmp_path / "shenghuohui.dump"
    run = lambda *cmd: subprocess.run(cmd, env=env, check=True, capture_output=True, text=True, timeout=300)  # noqa: E731

    # docs/backup.md: pg_dump -Fc …; createdb …; pg_restore --no-owner -d …; copy the files
    run("pg_dump", *args, "-Fc", "-f", str(dump), db["NAME"])
    fresh = f"{db['NAME']}_restored"[:63]
    run("dropdb", *args, "--if-exists", fresh)
    run("createdb", *args, fresh)
    try:
        run("pg_restore", *args, "--no-owner", "--exit-on-error", "-d", fresh, str(dump))
        media = tmp_path / "restored-private"
        shutil.copytree(settings.PRIVATE_MEDIA_ROOT, media)
        url = f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{fresh}"
        _assert_complete(_restore_check(url, media), expected)
        # the append-only trigger came back with the schema
        tamper = subprocess.run(["psql", *args, "-d", fresh, "-c", "UPDATE audit_auditentry SET action = 'x'"], env=env, capture_output=True, text=True)
        assert tamper.returncode != 0 and "append-only" in tamper.stderr
    finally:
        run("dropdb", *args, "--if-exists", fresh)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_sqlite_file_copy_restores_everything(world, tmp_path, settings):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    expected = _populate(world)
    # docs/backup.md: sqlite3 db.sqlite3 ".backup 'copy.sqlite3'" (online) — or cp with the app stopped
    backup = tmp_path / "backup" / "db.sqlite3"
    backup.parent.mkdir()
    connection.ensure_connection()
    target = sqlite3.connect(backup)
    connection.connection.backup(target)
    target.close()
    shutil.copytree(settings.PRIVATE_MEDIA_ROOT, tmp_path / "backup" / "private")
    # restore = copy the files back into place
    restored = tmp_path / "restored"
    shutil.copytree(tmp_path / "backup", restored)
    _assert_complete(_restore_check(f"sqlite:///{restored / 'db.sqlite3'}", restored / "private"), expected)


@pytest.mark.django_db
def test_restore_check_fails_on_a_tampered_chain(world):
    """The drill's check is real: a row edited behind the application's back is reported."""
    from io import StringIO

    from django.core.management import CommandError, call_command

    from audit.db import drop_triggers, install_triggers

    record(world.operator, world.b1, world.b1, "audit.viewed")
    record(world.operator, world.b1, world.b1, "audit.viewed")
    drop_triggers(connection)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET action = 'auth.login' WHERE seq = 1")
    install_triggers(connection)
    with pytest.raises(CommandError, match="审计链断裂"):
        call_command("restore_check", stdout=StringIO())
