"""The database itself refuses UPDATE, DELETE and TRUNCATE of audit rows (both engines)."""

from django.db import migrations


def up(apps, schema_editor):
    from audit.db import install_triggers

    install_triggers(schema_editor.connection)


def down(apps, schema_editor):
    from audit.db import drop_triggers

    drop_triggers(schema_editor.connection)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS audit_refuse_change();")


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(up, down)]
