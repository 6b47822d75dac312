"""Staff progress must not turn quadratic when a course's completions outgrow PostgreSQL's hash
memory. "Holds a completion" asked as `IN (subquery)` left PostgreSQL one plan: build the set,
and when it did not fit in memory, scan it whole for every person (`Materialize` under a per-row
subplan); at a million staff each query for an agency of 91,000 ran past five minutes. Here a
few thousand completions and the smallest `work_mem` PostgreSQL allows stand in for a million
staff; the states must still come out right and no plan may scan completions per person."""

import re
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from cms.models import Agency
from courses.models import Completion, Enrolment, LearnerProfile
from workforce import states
from workforce.coverage import required_courses

PEOPLE = 3000


def _plans(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(line for (line,) in cursor.fetchall())


def _rescanned_sets(plan: str) -> list[int]:
    """The estimated rows of each large set the plan keeps to scan again for every row
    (`Materialize`; a small one, such as the two required courses, is harmless)."""
    kept = (int(rows) for rows in re.findall(r"Materialize .*rows=(\d+)", plan))
    return [rows for rows in kept if rows >= PEOPLE // 2]


@pytest.mark.postgres
@pytest.mark.django_db
def test_many_completions_are_looked_up_per_person_not_rescanned():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (run with DATABASE_URL=postgres://...)")
    police = Agency.objects.get(code="police")
    required = required_courses([police])[police.pk]  # the core course and Police's own
    now, today = timezone.now(), timezone.localdate()
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"scale.plan.{n}@example.org", email=f"scale.plan.{n}@example.org")
        for n in range(PEOPLE)
    )
    LearnerProfile.objects.bulk_create(
        LearnerProfile(user=user, agency=police, job_role="police", privacy_accepted_at=now) for user in users
    )
    # Every other person holds current completions of both courses; the rest completed both
    # and they expired yesterday.
    for course in required:
        enrolments = Enrolment.objects.bulk_create(
            Enrolment(
                learner=user, course=course, agency=police, cycle=1, completed_at=now - timedelta(days=400)
            )
            for user in users
        )
        Completion.objects.bulk_create(
            Completion(
                enrolment=enrolment,
                learner=enrolment.learner,
                course=course,
                agency=police,
                agency_name=police.name,
                job_role="police",
                job_role_label="Police officer or staff",
                course_title=course.title,
                completed_at=now - timedelta(days=400),
                expires_on=date(2099, 1, 1) if n % 2 == 0 else today - timedelta(days=1),
            )
            for n, enrolment in enumerate(enrolments)
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE courses_completion")
        cursor.execute("ANALYZE courses_learnerprofile")
        cursor.execute("ANALYZE auth_user")

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '64kB'")  # a set of 3,000 ids does not fit
        parts = states.staff([police], today)
        everyone = states.filtered(parts, states.Filters(), today)
        counted = states.counts(parts, states.Filters(), today)
        plan = _plans(everyone)
        made = {row["email"]: row["state"] for row in everyone if row["email"].startswith("scale.plan.")}

    assert _rescanned_sets(plan) == []
    expected = {
        f"scale.plan.{n}@example.org": states.COMPLETED if n % 2 == 0 else states.OVERDUE
        for n in range(PEOPLE)
    }
    assert made == expected
    assert counted["completed"] >= PEOPLE // 2 and counted["overdue"] >= PEOPLE // 2
