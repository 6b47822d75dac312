"""Draw the partnership manager's board packs (this quarter's and the last, every agency)
before she asks for them, so her first read comes from the cache as every read after it does.

Drawing a pack takes xhtml2pdf about half a second whatever the figures; gathering them takes
about a tenth. A drawn pack is kept under the hash of its HTML (`cms.pdf.drawn_once`), so a run
when no figure has changed only gathers them, and a pack is never served out of date. The
cache must be shared with the web processes (Redis in production). Run it from cron:

    */10 * * * *  cd /srv/hub && .venv/bin/python manage.py draw_board_packs
"""

import time

from django.core.management.base import BaseCommand

from cms.models import Agency
from courses.reports import british, period_from
from workforce.board_pack import gather, pdf

QUARTERS = ("last_quarter", "this_quarter")  # what the manager's board pack page offers


class Command(BaseCommand):
    help = "Draw the partnership manager's board packs for this quarter and the last, ahead of asking."

    def handle(self, *args, **options):
        for name in QUARTERS:
            started = time.monotonic()
            quarter, _ = period_from({"period": name})
            pdf(gather(Agency.objects.all(), quarter))
            self.stdout.write(
                f"Board pack for {british(quarter.start)} to {british(quarter.end)} ready "
                f"({time.monotonic() - started:.1f} s)."
            )
