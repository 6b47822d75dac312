from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0012_count_earlier_attempts"),
    ]

    operations = [
        migrations.AlterField(
            model_name="attempt",
            name="questions",
            field=models.JSONField(null=True),
        ),
        migrations.AddField(
            model_name="attempt",
            name="drawn",
            field=models.JSONField(null=True),
        ),
    ]
