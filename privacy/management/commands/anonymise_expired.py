"""Anonymise every account past the partnership's retention period. Run it daily (cron or
the platform's scheduler); running it again the same day does nothing more."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from privacy.anonymise import anonymise
from privacy.models import Anonymisation
from privacy.retention import cut_off, expired


class Command(BaseCommand):
    help = "Anonymise accounts whose last activity is older than the retention period (--dry-run lists them)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List the accounts; change nothing.")

    def handle(self, *args, dry_run=False, **options):
        since = cut_off()
        accounts = list(expired().values_list("pk", "email"))
        self.stdout.write(f"Accounts with no activity since {since.day} {since:%B %Y}: {len(accounts)}")
        if dry_run:
            for pk, email in accounts:
                self.stdout.write(f"  {pk} {email}")
            self.stdout.write("Dry run: nothing was changed.")
            return
        User = get_user_model()
        # anonymise() reads each account again under its row lock, so the primary key is enough.
        done = sum(anonymise(User(pk=pk), None, Anonymisation.Reason.RETENTION) for pk, _ in accounts)
        self.stdout.write(f"Anonymised: {done}. Already anonymised: {len(accounts) - done}.")
