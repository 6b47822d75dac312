"""Counts the completions, enrolments and profiles made before the training numbers read the
tallies (`courses.training_tallies`), so that an upgraded site's figures are whole from the
first page view. It calls `courses.pairs.rebuild`, the one way the tallies are counted, as
0018 does."""

from django.db import migrations


def count_training_tallies(apps, schema_editor):
    from courses.pairs import rebuild

    rebuild()


class Migration(migrations.Migration):
    dependencies = [("courses", "0018_count_earlier_pairs")]

    operations = [migrations.RunPython(count_training_tallies, migrations.RunPython.noop)]
