from django.core.management.base import BaseCommand

from training.booking import lapse_offers


class Command(BaseCommand):
    help = (
        "End offers of a freed place whose time limit has passed and offer those places to the next "
        "people waiting (they are emailed). Safe to run again: an offer lapses once."
    )

    def handle(self, *args, **options):
        lapsed = lapse_offers()
        self.stdout.write(f"{len(lapsed)} offers lapsed.")
