"""Add the searches queued in the cache to Wagtail's search statistics (cms/search_hits.py).

Run it from cron every five minutes (a run with nothing queued does nothing):

    */5 * * * *  cd /srv/slh && .venv/bin/python manage.py count_searches
"""

from django.core.management.base import BaseCommand

from cms import search_hits


class Command(BaseCommand):
    help = "Add the searches queued in the cache to the search statistics."

    def handle(self, *args, **options):
        counted = search_hits.count_queued()
        if counted is None:
            self.stdout.write("Another run is counting searches; nothing done.")
        else:
            self.stdout.write(f"Counted {counted} searches.")
