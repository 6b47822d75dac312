"""An index of each agency's staff list by name, so the list of who is not covered is read a
page at a time in name order however long the list (`workforce.reports.people_not_covered`)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0012_partnershipsettings_allow_passwords_and_more"),
        ("workforce", "0002_coverage_tallies"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="stafflistentry",
            index=models.Index(fields=["agency", "name", "email"], name="staff_list_names"),
        ),
    ]
