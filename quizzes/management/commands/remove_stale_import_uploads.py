from django.core.management.base import BaseCommand

from quizzes.interchange.uploads import remove_stale_uploads


class Command(BaseCommand):
    help = "Remove files uploaded for an import preview that was never confirmed, once a day old."

    def handle(self, *args, **options):
        removed = remove_stale_uploads()
        self.stdout.write(f"Removed {removed} preview upload{'s' if removed != 1 else ''} older than a day.")
