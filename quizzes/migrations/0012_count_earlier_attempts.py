"""Counts the attempts made before the report tallies existed, so that an upgraded site's
"what staff miss" figures are whole from the first page view (a new site has none to count).

It calls `quizzes.summaries.rebuild`, the one way the tallies are counted, rather than a copy
of it on historical models: a copy could count differently from the code that keeps them."""

from django.db import migrations


def count_earlier_attempts(apps, schema_editor):
    from quizzes.summaries import rebuild

    rebuild()


class Migration(migrations.Migration):
    dependencies = [("quizzes", "0011_report_tallies")]

    operations = [migrations.RunPython(count_earlier_attempts, migrations.RunPython.noop)]
