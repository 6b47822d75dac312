"""Empty the anonymous page cache (cms/page_cache.py): run it after a deploy that changes
templates, so visitors do not see pages rendered by the old ones until they expire."""

from django.core.management.base import BaseCommand

from cms import page_cache


class Command(BaseCommand):
    help = "Render every page afresh for the next anonymous visitor."

    def handle(self, *args, **options):
        page_cache.purge()
        self.stdout.write("The anonymous page cache starts afresh.")
