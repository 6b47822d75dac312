"""Check the site's external links. Run it daily from cron, e.g. at 2am (the crontab sets
DJANGO_SETTINGS_MODULE=cms.settings.production and the other production variables):

    0 2 * * * cd /srv/hub && .venv/bin/python manage.py check_links

Collects every URL the site publishes, then checks those not checked in the last
LINK_CHECK_MAX_AGE hours (20, so a daily run checks each link every day) and every failing
one. `--all` checks everything; `--url` checks one address and says what it found.
"""

from collections import Counter
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import URLValidator
from django.db.models import Q
from django.utils import timezone

from links.checker import check_links, check_url_now
from links.collect import collect
from links.models import FAILING, Link, Status


class Command(BaseCommand):
    help = "Find every external link the site publishes and check the ones due."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Check every link, however recently checked.")
        parser.add_argument("--url", help="Check this one address only (it is not added to any page).")

    def handle(self, *args, **options):
        if options["url"]:
            url = options["url"].strip()
            try:
                URLValidator(schemes=["http", "https"])(url)
            except ValidationError:
                raise CommandError(f"Not a web address starting http:// or https://: {url}") from None
            link = check_url_now(url)
            code = f" ({link.http_code})" if link.http_code else ""
            detail = link.final_url or link.error
            detail = f": {detail}" if detail else ""
            self.stdout.write(f"{link.url}: {link.get_status_display()}{code}{detail}")
            return

        count = collect()
        links = Link.objects.all()
        if not options["all"]:
            due = timezone.now() - timedelta(hours=settings.LINK_CHECK_MAX_AGE)
            links = links.filter(
                Q(last_checked__isnull=True) | Q(last_checked__lt=due) | Q(status__in=FAILING)
            )
        checked = check_links(links)
        self.stdout.write(f"{count} links on the site; {len(checked)} checked.")
        tally = Counter(link.status for link in checked)
        for status in Status:
            if tally[status]:
                self.stdout.write(f"  {status.label}: {tally[status]}")
