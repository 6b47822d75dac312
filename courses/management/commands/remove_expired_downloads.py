from django.conf import settings
from django.core.management.base import BaseCommand

from courses.downloads import remove_expired


class Command(BaseCommand):
    help = (
        "Remove the downloads made in the background once DOWNLOADS_KEPT_HOURS old, with their files, "
        "and any file no download names. Run it hourly; running it again removes nothing more."
    )

    def handle(self, *args, **options):
        removed, stray = remove_expired()
        self.stdout.write(
            f"Removed {removed} download{'s' if removed != 1 else ''} older than "
            f"{settings.DOWNLOADS_KEPT_HOURS} hours and {stray} file{'s' if stray != 1 else ''} "
            "no download names."
        )
