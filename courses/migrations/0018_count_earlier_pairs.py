"""Counts the completions and attempts made before the confidence and knowledge tallies
existed, so that an upgraded site's figures are whole from the first page view (a new site
has none to count).

It calls `courses.pairs.rebuild`, the one way the tallies are counted, rather than a copy of
it on historical models: a copy could count differently from the code that keeps them. It
needs the quiz tables too, for the knowledge figures."""

from django.db import migrations


def count_earlier_pairs(apps, schema_editor):
    from courses.pairs import rebuild

    rebuild()


class Migration(migrations.Migration):
    dependencies = [("courses", "0017_pair_tallies"), ("quizzes", "0016_partnership_score_tally")]

    operations = [migrations.RunPython(count_earlier_pairs, migrations.RunPython.noop)]
