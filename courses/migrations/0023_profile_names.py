"""Each profile keeps a copy of its account's names, with an index by agency and name, so an
agency's staff are read in name order a page at a time however many it has (who is not
covered: `workforce.reports.people_not_covered`). Existing profiles take their account's
names here; `LearnerProfile.save` and `account_names_changed` keep them after."""

from django.conf import settings
from django.db import migrations, models


def copy_names(apps, schema_editor):
    profiles = apps.get_model("courses", "LearnerProfile").objects
    accounts = apps.get_model(*settings.AUTH_USER_MODEL.split(".")).objects.filter(pk=models.OuterRef("user"))
    profiles.update(
        first_name=models.Subquery(accounts.values("first_name")),
        last_name=models.Subquery(accounts.values("last_name")),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0012_partnershipsettings_allow_passwords_and_more"),
        ("courses", "0022_trained_by_mode_tallies"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="learnerprofile",
            name="first_name",
            field=models.CharField(blank=True, editable=False, max_length=150),
        ),
        migrations.AddField(
            model_name="learnerprofile",
            name="last_name",
            field=models.CharField(blank=True, editable=False, max_length=150),
        ),
        migrations.RunPython(copy_names, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="learnerprofile",
            index=models.Index(fields=["agency", "last_name", "first_name", "user"], name="profile_names"),
        ),
    ]
