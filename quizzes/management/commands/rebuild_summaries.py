"""Recount the report tallies from the raw records: "what staff miss" (`quizzes.summaries`),
the confidence and knowledge pairs (`courses.pairs`) and coverage (`workforce.tallies`). The one
place that lists them, for the command and for the data commands that write round the model
layer (`rebuild_all`)."""

from concurrent.futures import ThreadPoolExecutor

from django.core.management.base import BaseCommand
from django.db import connection

from courses import pairs
from courses.models import PairMark
from quizzes import summaries
from quizzes.models import ALL_JOB_ROLES, AttemptTally
from workforce import tallies
from workforce.models import CoverageMark

REBUILDS = (summaries.rebuild, pairs.rebuild, tallies.rebuild)


def _on_own_connection(rebuild):
    try:
        rebuild()
    finally:
        connection.close()  # the thread's own connection


def rebuild_all() -> None:
    """Every tally recounted, each in its own transaction. On PostgreSQL, outside a
    transaction, they run at once on connections of their own: they write different tables,
    and the quiz tallies are counted by the database while the pairs are read by Python, so
    on a machine with two cores they take about as long as the slower one."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        for rebuild in REBUILDS:
            rebuild()
        return
    with ThreadPoolExecutor(max_workers=len(REBUILDS)) as pool:
        for running in [pool.submit(_on_own_connection, rebuild) for rebuild in REBUILDS]:
            running.result()


class Command(BaseCommand):
    help = (
        "Recount the report tallies (what staff miss, confidence, knowledge and coverage) from the raw "
        "records. "
        "Run it after changing records round the model layer (bulk loads, QuerySet.update of "
        "submission or completion times)."
    )

    def handle(self, *args, **options):
        rebuild_all()
        cells = AttemptTally.objects.filter(attempts__gt=0, job_role=ALL_JOB_ROLES).count()
        self.stdout.write(f"Recounted the quiz report tallies: {cells} cells of first attempts.")
        marks = PairMark.objects.count()
        self.stdout.write(f"Recounted the confidence and knowledge tallies: {marks} records counted.")
        spans = CoverageMark.objects.count()
        self.stdout.write(f"Recounted the coverage tallies: {spans} spans of days counted.")
