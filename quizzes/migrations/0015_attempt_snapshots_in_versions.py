from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0014_move_attempt_snapshots_to_versions"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="attempt",
            name="questions",
        ),
        migrations.AlterField(
            model_name="attempt",
            name="drawn",
            field=models.JSONField(
                help_text="The questions drawn for this attempt, in the order shown: [question version id, "
                "the attempt's opaque part ids] for each (`questions` puts them together)."
            ),
        ),
    ]
