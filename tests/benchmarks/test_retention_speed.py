"""The retention run at 100,000 accounts, on PostgreSQL: the dry run (one query lists the
expired accounts) and the run that anonymises them, each timed and printed.

    TEST_DATABASE_URL=postgres://... make bench
    BENCH_RETENTION_ACCOUNTS=20000 TEST_DATABASE_URL=postgres://... make bench    # a quicker run

One account in fifty joined eight years ago; half of those enrolled on a course last year,
so the other half (1,000 of 100,000) has expired: the dry run lists them, the run anonymises
each in its own transaction, as the nightly run does, and a second run finds none."""

import io
import os
import time
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from cms.models import Agency
from courses.models import Enrolment, LearnerProfile
from privacy.models import Anonymisation
from tests.factories import make_course

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the retention run at 100,000 accounts is measured on PostgreSQL: "
        "run TEST_DATABASE_URL=postgres://... make bench",
    ),
]
ACCOUNTS = int(os.environ.get("BENCH_RETENTION_ACCOUNTS", "100000"))
BATCH = 5000
DRY_RUN_AT_MOST = 10  # seconds


def make_accounts():
    """ACCOUNTS accounts with profiles; every fiftieth joined eight years ago, and every
    hundredth enrolled last year. Returns the number that have expired."""
    User = get_user_model()
    now = timezone.now()
    long_ago, last_year = now - timedelta(days=8 * 366), now - timedelta(days=365)
    agency = Agency.objects.get(code="housing")
    users = User.objects.bulk_create(
        (
            User(
                username=f"keep{n}@example.org",
                email=f"keep{n}@example.org",
                first_name="Kept",
                last_name=str(n),
                password="!",
                date_joined=long_ago if n % 50 == 0 else last_year,
            )
            for n in range(ACCOUNTS)
        ),
        batch_size=BATCH,
    )
    LearnerProfile.objects.bulk_create(
        (
            LearnerProfile(user=u, agency=agency, job_role="housing", privacy_accepted_at=u.date_joined)
            for u in users
        ),
        batch_size=BATCH,
    )
    course = make_course(lessons=1)
    active = [u for n, u in enumerate(users) if n % 100 == 0]
    made = Enrolment.objects.bulk_create(
        (Enrolment(learner=u, course=course, agency=agency) for u in active), batch_size=BATCH
    )
    # started_at is set on insert; move them to last year as a real history would have it.
    Enrolment.objects.filter(pk__in=[e.pk for e in made]).update(started_at=last_year)
    return len(users[::50]) - len(active)


def timed(*args):
    out = io.StringIO()
    start = time.perf_counter()
    call_command("anonymise_expired", *args, stdout=out)
    return time.perf_counter() - start, out.getvalue()


def test_the_retention_run_at_100000_accounts():
    started = time.perf_counter()
    due = make_accounts()
    print(f"\n{ACCOUNTS} accounts made in {time.perf_counter() - started:.1f} s; {due} have expired")

    seconds, out = timed("--dry-run")
    assert f": {due}\n" in out.splitlines(keepends=True)[0]
    assert not Anonymisation.objects.exists()
    print(f"dry run: {seconds:.2f} s to list {due} accounts")
    assert seconds < DRY_RUN_AT_MOST

    seconds, out = timed()
    assert f"Anonymised: {due}. Already anonymised: 0." in out
    print(f"run: {seconds:.2f} s to anonymise {due} accounts ({1000 * seconds / due:.1f} ms each)")
    assert Anonymisation.objects.count() == due

    seconds, out = timed()
    assert "Anonymised: 0." in out
    print(f"second run: {seconds:.2f} s, nothing to do")
