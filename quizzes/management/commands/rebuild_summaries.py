"""Recount the "what staff miss" tallies from the attempts, responses and marks."""

from django.core.management.base import BaseCommand

from quizzes import summaries
from quizzes.models import AttemptTally


class Command(BaseCommand):
    help = (
        "Recount the quiz report tallies from the raw attempts, in one transaction. Run it after "
        "changing attempts round the model layer (bulk loads, QuerySet.update of submission times)."
    )

    def handle(self, *args, **options):
        summaries.rebuild()
        cells = AttemptTally.objects.filter(attempts__gt=0).count()
        self.stdout.write(f"Recounted the quiz report tallies: {cells} cells of first attempts.")
