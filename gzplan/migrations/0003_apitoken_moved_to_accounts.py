# The API token model moved to the accounts app; its table stays (accounts uses db_table
# "gzplan_apitoken"), so this only takes it out of this app's state.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("gzplan", "0002_data_version"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ApiToken")],
            database_operations=[],
        ),
    ]
