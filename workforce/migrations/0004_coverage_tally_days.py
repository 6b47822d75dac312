"""An index of the coverage tallies by agency, level and day, so that a count on a day reads
the month rows before its month and the day rows of its month only: a group's day rows of
other months grow with staff until every day of its history has one (`tallies.grouped`)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("workforce", "0003_staff_list_names")]

    operations = [
        migrations.AddIndex(
            model_name="coveragetally",
            index=models.Index(fields=["source", "agency", "level", "span", "on"], name="coverage_tally_days"),
        ),
    ]
