"""Content editors keep the confidence survey's items (cms made the group; courses grants its
own models' permissions)."""

from django.db import migrations

from cms import roles


def grant_survey_items(apps, schema_editor):
    roles.make_permissions(apps, "courses")
    roles.grant(apps, [("courses", "add_surveyitem"), ("courses", "change_surveyitem")])


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0007_groups"),
        ("courses", "0010_adult_safeguarding_contact"),
    ]

    operations = [migrations.RunPython(grant_survey_items, migrations.RunPython.noop)]
