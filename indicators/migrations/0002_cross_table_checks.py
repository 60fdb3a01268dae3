"""Install the triggers that enforce rules spanning two tables (see indicators/db_rules.py)."""

from django.db import migrations


def install(apps, schema_editor):
    from indicators import db_rules

    db_rules.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    from indicators import db_rules

    db_rules.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]
