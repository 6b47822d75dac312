"""Recount the report tallies from the raw records: "what staff miss" (`quizzes.summaries`),
the confidence and knowledge pairs (`courses.pairs`) and coverage (`workforce.tallies`). The one
place that lists them, for the command and for the data commands that write round the model
layer (`rebuild_all`)."""

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

from django.core.management.base import BaseCommand
from django.db import connection, connections

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
        connections.close_all()  # the child's own connections


def rebuild_all() -> None:
    """Every tally recounted, each in its own transaction. On PostgreSQL, outside a
    transaction, they run at once in processes of their own (forked, each with its own
    connection): they write different tables, and the pairs and coverage are worked out in
    Python, which threads of one process would take turns at. At 100,000 staff on a machine
    with two cores the three took 158 s one after another, 123 s as threads and 115 s as
    processes; the pairs alone take 108 s."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        for rebuild in REBUILDS:
            rebuild()
        return
    connections.close_all()  # a forked child must not share the parent's connection
    with ProcessPoolExecutor(len(REBUILDS), mp_context=multiprocessing.get_context("fork")) as pool:
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
