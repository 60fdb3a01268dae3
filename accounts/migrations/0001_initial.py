# The API token model, moved here from the gzplan app: the table "gzplan_apitoken" exists
# already (created by gzplan 0001), so this adds the model to this app's state only, and moves
# the content type (and with it the permissions given to roles) to this app.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType")
    if not content_types.objects.filter(app_label="accounts", model="apitoken").exists():
        content_types.objects.filter(app_label="gzplan", model="apitoken").update(app_label="accounts")


def move_content_type_back(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType")
    if not content_types.objects.filter(app_label="gzplan", model="apitoken").exists():
        content_types.objects.filter(app_label="accounts", model="apitoken").update(app_label="gzplan")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("contenttypes", "0002_remove_content_type_name"),
        ("gzplan", "0003_apitoken_moved_to_accounts"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ApiToken",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("name", models.CharField(help_text="What the token is for, e.g. 'Haizhu yearly upload'.", max_length=100, verbose_name="name")),
                        ("prefix", models.CharField(editable=False, max_length=12, verbose_name="starts with")),
                        ("digest", models.CharField(editable=False, max_length=64, unique=True, verbose_name="SHA-256 of the token")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                        ("expires_at", models.DateTimeField(blank=True, help_text="Empty: never expires.", null=True, verbose_name="expires")),
                        ("last_used_at", models.DateTimeField(blank=True, editable=False, null=True, verbose_name="last used")),
                        ("revoked_at", models.DateTimeField(blank=True, editable=False, null=True, verbose_name="revoked")),
                        ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="api_tokens", to=settings.AUTH_USER_MODEL, verbose_name="user")),
                    ],
                    options={
                        "verbose_name": "API token",
                        "verbose_name_plural": "API tokens",
                        "ordering": ["-created_at"],
                        "db_table": "gzplan_apitoken",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
