"""Every tally's counts kept again under every job role together (`ALL_JOB_ROLES`), read when
no job role is chosen, with an index on job role and month for each tally; then every tally
counted from the raw records, so that an upgraded site's "what staff miss" figures are whole
from the first page view (a new site has none to count).

It calls `quizzes.summaries.rebuild`, the one way the tallies are counted, rather than a copy
of it on historical models: a copy could count differently from the code that keeps them. So
only the latest migration that changes the tallies may call it (0016 did until this one)."""

from django.db import migrations, models


def count_the_tallies(apps, schema_editor):
    from quizzes.summaries import rebuild

    rebuild()


class Migration(migrations.Migration):

    dependencies = [
        ('cms', '0012_partnershipsettings_allow_passwords_and_more'),
        ('quizzes', '0016_partnership_score_tally'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='answertally',
            index=models.Index(fields=['job_role', 'month'], name='answer_tally_role_month'),
        ),
        migrations.AddIndex(
            model_name='attempttally',
            index=models.Index(fields=['job_role', 'month'], name='attempt_tally_role_month'),
        ),
        migrations.AddIndex(
            model_name='bandtally',
            index=models.Index(fields=['job_role', 'month'], name='band_tally_role_month'),
        ),
        migrations.AddIndex(
            model_name='colourtally',
            index=models.Index(fields=['job_role', 'month'], name='colour_tally_role_month'),
        ),
        migrations.AddIndex(
            model_name='indicatortally',
            index=models.Index(fields=['job_role', 'month'], name='indicator_tally_role_month'),
        ),
        migrations.AddIndex(
            model_name='partnershipscoretally',
            index=models.Index(fields=['job_role', 'month'], name='pscore_tally_role_month'),
        ),
        migrations.AddIndex(
            model_name='scoretally',
            index=models.Index(fields=['job_role', 'month'], name='score_tally_role_month'),
        ),
        migrations.RunPython(count_the_tallies, migrations.RunPython.noop),
    ]
