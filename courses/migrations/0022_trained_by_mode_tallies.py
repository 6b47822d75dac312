"""Indexes for the refreshers due (the list read in expiry order, and the tallies' counts of
latest completions by expiry day), and the counting of every record for the measures of staff
trained by delivery mode (`courses.training_tallies.TrainedMeasure`), so that an upgraded
site's figures are whole from the first page view (a new site has none to count). It calls
`courses.pairs.rebuild`, the one way the tallies are counted, rather than a copy of it on
historical models, so only the latest migration that changes what the tallies count may call
it (0019 did until this one)."""

from django.db import migrations, models


def count_the_tallies(apps, schema_editor):
    from courses.pairs import rebuild

    rebuild()


class Migration(migrations.Migration):
    dependencies = [("courses", "0021_user_names_index")]

    operations = [
        migrations.AddIndex(
            model_name="completion",
            index=models.Index(fields=["expires_on"], name="completion_expires_on"),
        ),
        migrations.AddIndex(
            model_name="pairtally",
            index=models.Index(
                fields=["measure", "level", "series", "next_month", "x"], name="pair_tally_series_next"
            ),
        ),
        migrations.RunPython(count_the_tallies, migrations.RunPython.noop),
    ]
