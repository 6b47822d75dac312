"""Earlier answers refer to question versions instead of carrying their snapshots.

Batched by id and only over answers without a version, so it can be stopped and run again.
Reversible: going back writes each answer's snapshot again from its version and part ids.
The schema changes around it are separate migrations, because PostgreSQL refuses to alter
a table in the transaction that has just updated its rows."""

from django.db import migrations

from quizzes.snapshots import join, split

BATCH = 2000


def to_versions(apps, schema_editor):
    Response = apps.get_model("quizzes", "Response")
    QuestionVersion = apps.get_model("quizzes", "QuestionVersion")
    pending = Response.objects.filter(version__isnull=True).only("pk", "question_id", "snapshot").order_by("pk")
    last = 0
    while batch := list(pending.filter(pk__gt=last)[:BATCH]):
        halves = [split(response.snapshot) for response in batch]
        versions = QuestionVersion.objects.store(
            [(shared, response.question_id) for response, (shared, _) in zip(batch, halves, strict=True)]
        )
        for response, version, (_, ids) in zip(batch, versions, halves, strict=True):
            response.version = version
            response.part_ids = ids
        Response.objects.bulk_update(batch, ["version", "part_ids"])
        last = batch[-1].pk


def to_snapshots(apps, schema_editor):
    Response = apps.get_model("quizzes", "Response")
    pending = Response.objects.filter(snapshot__isnull=True).select_related("version").order_by("pk")
    last = 0
    while batch := list(pending.filter(pk__gt=last)[:BATCH]):
        for response in batch:
            response.snapshot = join(response.version.snapshot, response.part_ids)
        Response.objects.bulk_update(batch, ["snapshot"])
        last = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0008_question_versions"),
    ]

    operations = [
        migrations.RunPython(to_versions, to_snapshots),
    ]
