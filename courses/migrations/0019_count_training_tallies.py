"""Counts the completions, enrolments and profiles made before the training numbers read the
tallies (`courses.training_tallies`), and the confidence and knowledge records with them, so
that an upgraded site's figures are whole from the first page view (a new site has none to
count). It calls `courses.pairs.rebuild`, the one way the tallies are counted, rather than a
copy of it on historical models, so only the latest migration that changes what the tallies
count may call it (0018 did until this one)."""

from django.db import migrations


def count_training_tallies(apps, schema_editor):
    from courses.pairs import rebuild

    rebuild()


class Migration(migrations.Migration):
    dependencies = [("courses", "0018_count_earlier_pairs")]

    operations = [migrations.RunPython(count_training_tallies, migrations.RunPython.noop)]
