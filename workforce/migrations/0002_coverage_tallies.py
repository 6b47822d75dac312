"""Coverage's tallies (`workforce.tallies`). They were counted for the records already there
here until the state marks (0005) joined them: `workforce.tallies.rebuild`, the one way they
are counted, writes those too, so only the latest migration that changes what they count
(now 0005) calls it."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cms', '0012_partnershipsettings_allow_passwords_and_more'),
        ('workforce', '0001_staff_lists_targets_reminders'),
        ('courses', '0020_pair_tally_series_index'),
        ('training', '0002_trainers_group'),
    ]

    operations = [
        migrations.CreateModel(
            name='CoverageBasis',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('courses', models.JSONField(default=list)),
                ('agency', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='cms.agency')),
            ],
        ),
        migrations.CreateModel(
            name='CoverageMark',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('source', models.CharField(choices=[('list', 'Staff list'), ('profile', 'Registered staff')], max_length=7)),
                ('email', models.CharField(max_length=254)),
                ('user', models.PositiveIntegerField(null=True)),
                ('job_role', models.CharField(max_length=30)),
                ('team', models.CharField(blank=True, max_length=100)),
                ('measure', models.CharField(max_length=20)),
                ('start', models.DateField()),
                ('end', models.DateField()),
                ('counted_from', models.DateField()),
                ('agency', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='cms.agency')),
            ],
            options={
                'indexes': [models.Index(fields=['email'], name='workforce_c_email_035f1d_idx'), models.Index(fields=['user'], name='workforce_c_user_107c47_idx')],
            },
        ),
        migrations.CreateModel(
            name='CoverageTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('source', models.CharField(choices=[('list', 'Staff list'), ('profile', 'Registered staff')], max_length=7)),
                ('level', models.PositiveSmallIntegerField()),
                ('job_role', models.CharField(blank=True, max_length=30)),
                ('team', models.CharField(blank=True, max_length=100)),
                ('measure', models.CharField(max_length=20)),
                ('span', models.CharField(max_length=5)),
                ('on', models.DateField()),
                ('change', models.IntegerField(default=0)),
                ('agency', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='cms.agency')),
            ],
            options={
                'verbose_name_plural': 'coverage tallies',
                'constraints': [models.UniqueConstraint(fields=('source', 'agency', 'level', 'job_role', 'team', 'measure', 'span', 'on'), name='one_coverage_tally_cell')],
            },
        ),
        # Staff lists are matched to accounts by lower-cased email (who on a list has an account).
        migrations.RunSQL(
            "CREATE INDEX auth_user_lower_email ON auth_user (LOWER(email))",
            "DROP INDEX IF EXISTS auth_user_lower_email",
        ),
    ]
