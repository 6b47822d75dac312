import os

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from cms.models import Agency
from courses import pairs
from courses.models import AgencyLead, JobRole, LearnerProfile, PartnershipManager
from workforce import tallies

LEAD_AGENCY = "housing"


def learner_email(number):
    return f"load.learner.{number}@example.org"


LEAD_EMAIL = f"load.lead.{LEAD_AGENCY}@example.org"
MANAGER_EMAIL = "load.manager@example.org"


class Command(BaseCommand):
    help = (
        "Create the accounts the production stack's load test signs in with (make stack-load): "
        "learners load.learner.<n>@example.org spread over the agencies, with confirmed email "
        f"addresses and profiles; an agency lead ({LEAD_EMAIL}) and a partnership manager "
        f"({MANAGER_EMAIL}), each with an authenticator. The password is LOAD_PASSWORD and the "
        "authenticator secret LOAD_TOTP_SECRET (base32), both from the environment. Accounts that "
        "exist are left as they are. Unlike seed_demo it writes no training records: the load "
        "test makes those through the pages."
    )

    def add_arguments(self, parser):
        parser.add_argument("--learners", type=int, default=50, help="How many learners (default 50).")

    def handle(self, *args, learners=50, **options):
        password = os.environ.get("LOAD_PASSWORD")
        secret = os.environ.get("LOAD_TOTP_SECRET")
        if not password or not secret:
            raise CommandError("Set LOAD_PASSWORD and LOAD_TOTP_SECRET: the load test signs in with them.")
        if not 0 < learners <= 10_000:
            raise CommandError("--learners must be between 1 and 10000.")
        agencies = list(Agency.objects.order_by("code"))
        if not agencies:
            raise CommandError("There are no agencies: run load_content first.")
        # One hash for every account: the production hasher takes a good part of a second per call.
        hashed = make_password(password)
        with transaction.atomic():
            made = self._accounts([learner_email(n) for n in range(1, learners + 1)], hashed)
            LearnerProfile.objects.bulk_create(
                LearnerProfile(
                    user=user,
                    agency=agencies[n % len(agencies)],
                    job_role=JobRole.OTHER,
                    job_role_other="Load test",
                    privacy_accepted_at=timezone.now(),
                    first_name=user.first_name,  # bulk_create skips `LearnerProfile.save`
                    last_name=user.last_name,
                )
                for n, user in enumerate(made)
            )
            # The staff registered and their coverage (bulk_create sends no signal).
            pairs.recount(user.pk for user in made)
            tallies.recount(user_ids=[user.pk for user in made])
            for user in self._accounts([LEAD_EMAIL], hashed):
                AgencyLead.objects.create(user=user).agencies.add(Agency.objects.get(code=LEAD_AGENCY))
                TOTP.activate(user, secret)
            for user in self._accounts([MANAGER_EMAIL], hashed):
                PartnershipManager.objects.create(user=user)
                TOTP.activate(user, secret)
        self.stdout.write(f"Created {len(made)} learners; {learners - len(made)} were there already.")

    def _accounts(self, emails, hashed):
        """The accounts among `emails` that do not exist yet, made with a confirmed address."""
        User = get_user_model()
        existing = set(User.objects.filter(username__in=emails).values_list("username", flat=True))
        users = User.objects.bulk_create(
            User(username=email, email=email, first_name="Load", last_name="Tester", password=hashed)
            for email in emails
            if email not in existing
        )
        EmailAddress.objects.bulk_create(
            EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in users
        )
        return users
