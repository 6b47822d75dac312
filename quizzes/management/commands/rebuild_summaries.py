"""Recount the report tallies from the raw records: "what staff miss" (`quizzes.summaries`) and
the confidence and knowledge pairs (`courses.pairs`)."""

from django.core.management.base import BaseCommand

from courses import pairs
from courses.models import PairMark
from quizzes import summaries
from quizzes.models import AttemptTally


class Command(BaseCommand):
    help = (
        "Recount the report tallies (what staff miss, confidence and knowledge) from the raw records. "
        "Run it after changing records round the model layer (bulk loads, QuerySet.update of "
        "submission or completion times)."
    )

    def handle(self, *args, **options):
        summaries.rebuild()
        cells = AttemptTally.objects.filter(attempts__gt=0).count()
        self.stdout.write(f"Recounted the quiz report tallies: {cells} cells of first attempts.")
        pairs.rebuild()
        marks = PairMark.objects.count()
        self.stdout.write(f"Recounted the confidence and knowledge tallies: {marks} records counted.")
