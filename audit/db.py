"""Database triggers that make the audit table append-only, for both engines.

Used by the migration, and by tests that must flush the database (transactional tests)
or simulate a DBA tampering with rows.
"""

PG_INSTALL = """
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit_auditentry is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE OR REPLACE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit_auditentry
  FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE OR REPLACE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit_auditentry
  FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
"""
PG_DROP = """
DROP TRIGGER IF EXISTS audit_append_only ON audit_auditentry;
DROP TRIGGER IF EXISTS audit_no_truncate ON audit_auditentry;
"""
SQLITE_INSTALL = [
    "CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit_auditentry BEGIN SELECT RAISE(ABORT, 'audit_auditentry is append-only'); END;",
    "CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit_auditentry BEGIN SELECT RAISE(ABORT, 'audit_auditentry is append-only'); END;",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS audit_no_update;", "DROP TRIGGER IF EXISTS audit_no_delete;"]


def _statements(connection, install: bool) -> list[str]:
    if connection.vendor == "postgresql":
        return [PG_INSTALL if install else PG_DROP]
    if connection.vendor == "sqlite":
        return SQLITE_INSTALL if install else SQLITE_DROP
    return []


def install_triggers(connection) -> None:
    with connection.cursor() as cursor:
        for statement in _statements(connection, True):
            cursor.execute(statement)


def drop_triggers(connection) -> None:
    with connection.cursor() as cursor:
        for statement in _statements(connection, False):
            cursor.execute(statement)
