"""The Trainers group, so it exists after `migrate` on a fresh database: its members take the
registers of the sessions they run (no admin access comes with it)."""

from django.db import migrations

TRAINERS = "Trainers"  # as training.models.TRAINERS was when this ran


def create(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name=TRAINERS)


class Migration(migrations.Migration):
    dependencies = [("training", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
