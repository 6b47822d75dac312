"""Staff progress's state marks (`workforce.standing`), counted with coverage's tallies for
the records already there, so that an upgraded site's staff progress is read from them from
the first page view. It calls `workforce.tallies.rebuild`, the one way they are counted,
rather than a copy of it on historical models, so only the latest migration that changes what
they count may call it."""

import django.db.models.deletion
from django.db import migrations, models


def count_states(apps, schema_editor):
    from workforce.tallies import rebuild

    rebuild()


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0012_partnershipsettings_allow_passwords_and_more"),
        ("workforce", "0004_coverage_tally_days"),
        ("courses", "0023_profile_names"),  # the rebuild reads profiles' and accounts' names
        ("training", "0002_trainers_group"),
    ]

    operations = [
        migrations.CreateModel(
            name="StateMark",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("source", models.CharField(max_length=10)),
                ("person", models.PositiveIntegerField()),
                ("email", models.CharField(max_length=254)),
                ("user", models.PositiveIntegerField(null=True)),
                ("job_role", models.CharField(max_length=30)),
                ("team", models.CharField(blank=True, max_length=100)),
                ("name", models.CharField(max_length=301)),
                ("state", models.CharField(max_length=14)),
                ("stuck", models.BooleanField(default=False)),
                ("start", models.DateField()),
                ("end", models.DateField()),
                (
                    "agency",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="cms.agency"
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(fields=["email"], name="state_mark_email"),
                    models.Index(fields=["user"], name="state_mark_user"),
                    models.Index(fields=["name", "email", "source", "person"], name="state_mark_names"),
                    models.Index(
                        fields=["state", "name", "email", "source", "person"], name="state_mark_state_names"
                    ),
                ],
            },
        ),
        migrations.RunPython(count_states, migrations.RunPython.noop),
    ]
