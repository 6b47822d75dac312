"""Earlier attempts refer to question versions instead of carrying their snapshots, as their
answers already do (0009).

Batched by id and only over attempts not yet moved, so it can be stopped and run again.
Reversible: going back writes each attempt's snapshots again from its versions and part ids.
The schema changes around it are separate migrations, because PostgreSQL refuses to alter
a table in the transaction that has just updated its rows."""

from django.db import migrations

from quizzes.snapshots import join

BATCH = 500


def to_versions(apps, schema_editor):
    Attempt = apps.get_model("quizzes", "Attempt")
    QuestionVersion = apps.get_model("quizzes", "QuestionVersion")
    pending = Attempt.objects.filter(drawn__isnull=True).only("pk", "questions").order_by("pk")
    last = 0
    while batch := list(pending.filter(pk__gt=last)[:BATCH]):
        for attempt in batch:
            attempt.drawn = QuestionVersion.objects.drawn(attempt.questions)
        Attempt.objects.bulk_update(batch, ["drawn"])
        last = batch[-1].pk


def to_snapshots(apps, schema_editor):
    Attempt = apps.get_model("quizzes", "Attempt")
    QuestionVersion = apps.get_model("quizzes", "QuestionVersion")
    pending = Attempt.objects.filter(questions__isnull=True).only("pk", "drawn").order_by("pk")
    last = 0
    while batch := list(pending.filter(pk__gt=last)[:BATCH]):
        versions = QuestionVersion.objects.in_bulk({version for a in batch for version, _ in a.drawn})
        for attempt in batch:
            attempt.questions = [join(versions[version].snapshot, ids) for version, ids in attempt.drawn]
        Attempt.objects.bulk_update(batch, ["questions"])
        last = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0013_attempt_drawn"),
    ]

    operations = [
        migrations.RunPython(to_versions, to_snapshots),
    ]
