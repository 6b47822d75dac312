"""Coverage on a day and its trend over 8 quarters, at 100,000 staff on staff lists, against
the same figures written by hand in raw SQL, on PostgreSQL.

    TEST_DATABASE_URL=postgres://... make bench
    BENCH_COVERAGE_STAFF=20000 TEST_DATABASE_URL=postgres://... make bench    # a quicker run

The staff are spread over every agency's list; nine in ten have an account (one account in
ten spells its email with capitals), seven in ten of those hold completions of their agency's
required courses at times over the last two years, and some of those have expired. Ours and
the raw SQL run in turn (each goes first every other round); the figures must be equal, and
the printed ratio of medians must be 3x or better. The staff are copied in (COPY), so that
the setup takes well under two minutes."""

import os
import random
import statistics
import time
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.utils import timezone

from cms.models import Agency
from courses.models import Completion, DeliveryMode, Enrolment, JobRole, LearnerProfile
from workforce import tallies
from workforce.coverage import coverage, coverage_trend, end_of, quarter_ends, required_courses
from workforce.models import StaffListEntry

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="coverage at 100,000 staff is measured on PostgreSQL (COPY, and raw SQL in its dialect): "
        "run TEST_DATABASE_URL=postgres://... make bench",
    ),
]
STAFF = int(os.environ.get("BENCH_COVERAGE_STAFF", "100000"))
ROUNDS = 5
RATIO_AT_MOST = 3
BATCH = 10000


def ids(model, count):
    """`count` primary keys of `model`, taken from its sequence."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), nextval(pg_get_serial_sequence(%s, 'id')) + %s)",
            [table, table, count - 1],
        )
        last = cursor.fetchone()[0]
    return range(last - count + 1, last + 1)


def copy(model, columns, rows):
    """COPY `rows` (tuples in the order of `columns`) into `model`'s table."""
    table = connection.ops.quote_name(model._meta.db_table)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as out,
    ):
        for row in rows:
            out.write_row(row)


def make_staff(agencies, required):
    """STAFF people on the agencies' lists, with their accounts, profiles and completions,
    copied in (COPY) as a migration of real records would be; returns the completions made."""
    rng = random.Random(15)
    User = get_user_model()
    roles = [role for role, _ in JobRole.choices if role != JobRole.OTHER]
    now = timezone.now()
    people = [(n, rng.choice(agencies), rng.choice(roles)) for n in range(STAFF)]
    copy(
        StaffListEntry,
        ["agency_id", "email", "name", "job_role", "team", "added_at"],
        ((a.pk, f"cover{n}@example.org", f"Cover {n}", role, f"Team {n % 7}", now) for n, a, role in people),
    )
    registered = [person for person in people if rng.random() < 0.9]
    user_ids = ids(User, len(registered))
    password = make_password(None)
    copy(
        User,
        ["id", "password", "is_superuser", "username", "first_name", "last_name", "email", "is_staff"]
        + ["is_active", "date_joined"],
        (
            (pk, password, False, f"cover{n}@example.org", "Cover", str(n))
            + (f"Cover{n}@Example.org" if n % 10 == 0 else f"cover{n}@example.org", False, True, now)
            for pk, (n, _, _) in zip(user_ids, registered, strict=True)
        ),
    )
    copy(
        LearnerProfile,
        ["user_id", "agency_id", "job_role", "job_role_other", "team", "privacy_accepted_at", "created_at"],
        ((pk, a.pk, role, "", "", now, now) for pk, (_, a, role) in zip(user_ids, registered, strict=True)),
    )
    done = []  # (user id, agency, job role, course, completed at, expires on)
    for pk, (_, agency, role) in zip(user_ids, registered, strict=True):
        if rng.random() >= 0.7:
            continue
        for course in required[agency.pk]:
            if rng.random() < 0.05:
                continue  # one course of several not done yet
            at = now - timedelta(days=rng.randint(0, 730), minutes=rng.randint(0, 1439))
            expires = (at + timedelta(days=rng.choice([365, 3 * 365]))).date()  # some have expired
            done.append((pk, agency, role, course, at, expires))
    enrolment_ids = ids(Enrolment, len(done))
    copy(
        Enrolment,
        ["id", "learner_id", "course_id", "agency_id", "cycle", "started_at", "completed_at", "delivery_mode"],
        (
            (e, pk, course.pk, agency.pk, 1, at - timedelta(hours=1), at, DeliveryMode.E_LEARNING)
            for e, (pk, agency, _, course, at, _) in zip(enrolment_ids, done, strict=True)
        ),
    )
    copy(
        Completion,
        ["enrolment_id", "learner_id", "course_id", "agency_id", "agency_name", "job_role", "job_role_label"]
        + ["course_title", "completed_at", "expires_on", "delivery_mode"],
        (
            (e, pk, course.pk, agency.pk, agency.name, role, role, course.title, at, expires, DeliveryMode.E_LEARNING)
            for e, (pk, agency, role, course, at, expires) in zip(enrolment_ids, done, strict=True)
        ),
    )
    with connection.cursor() as cursor:
        for model in (User, LearnerProfile, StaffListEntry, Enrolment, Completion):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return len(done)


def raw_sql(required, days, per_course):
    """One statement: per day and agency, the people on the list, those covered, and (if
    `per_course`) per course those holding a current completion of it."""
    pairs = ", ".join(
        f"({agency}, {course.pk})" for agency, courses in required.items() for course in courses
    )
    listed_days = ", ".join(
        f"({n}, DATE '{day}', TIMESTAMPTZ '{end_of(day).isoformat()}')" for n, day in enumerate(days)
    )
    return f"""
    WITH days(n, day, ends) AS (VALUES {listed_days}),
    required(agency_id, course_id) AS (VALUES {pairs}),
    held AS (
        SELECT DISTINCT d.n, lower(u.email) AS email, c.course_id
        FROM courses_completion c JOIN auth_user u ON u.id = c.learner_id
        JOIN days d ON c.completed_at < d.ends AND c.expires_on >= d.day
    ),
    per_course AS (
        SELECT d.n, e.id, e.agency_id, r.course_id, h.email IS NOT NULL AS current
        FROM workforce_stafflistentry e
        JOIN required r ON r.agency_id = e.agency_id
        CROSS JOIN days d
        LEFT JOIN held h ON h.n = d.n AND h.email = e.email AND h.course_id = r.course_id
    ),
    per_person AS (
        SELECT n, id, agency_id, bool_and(current) AS covered FROM per_course GROUP BY 1, 2, 3
    ),
    totals AS (
        SELECT n, agency_id, NULL::integer AS course_id, COUNT(*) AS people,
               COUNT(*) FILTER (WHERE covered) AS covered
        FROM per_person GROUP BY 1, 2
    ),
    courses AS (
        SELECT n, agency_id, course_id, NULL::bigint, COUNT(*) FILTER (WHERE current)
        FROM per_course GROUP BY 1, 2, 3
    )
    SELECT * FROM totals""" + (" UNION ALL SELECT * FROM courses" if per_course else "")


def raw_figures(sql, days, per_course):
    """{(day, agency id): (workforce, covered, {course id: people})} from the raw SQL."""
    with connection.cursor() as cursor:
        cursor.execute(sql)
        rows = cursor.fetchall()
    found = {}
    for n, agency_id, course_id, people, covered in rows:
        workforce, total, courses = found.setdefault((days[n], agency_id), [0, 0, {}])
        if course_id is None:
            found[days[n], agency_id][:2] = [people, covered]
        elif per_course and covered:
            courses[course_id] = covered
    return {key: tuple(value) for key, value in found.items()}


def our_figures(by_day, per_course):
    return {
        (day, row.agency.pk): (
            row.workforce,
            row.covered,
            {c: n for c, n in row.per_course.items() if n} if per_course else {},
        )
        for day, rows in by_day.items()
        for row in rows
    }


def interleaved(ours, raw):
    """Median seconds of each, run in turn, each first every other round."""
    times = {ours: [], raw: []}
    for n in range(ROUNDS):
        for work in (ours, raw) if n % 2 == 0 else (raw, ours):
            start = time.perf_counter()
            work()
            times[work].append(time.perf_counter() - start)
    return statistics.median(times[ours]), statistics.median(times[raw])


def test_coverage_and_trend_against_raw_sql():
    started = time.perf_counter()
    agencies = Agency.objects.all()
    required = required_courses(agencies)
    today = timezone.localdate()
    made = make_staff(list(agencies), required)
    print(f"\n{STAFF} staff on lists, {made} completions, made in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    tallies.rebuild()  # rows copied in round the model layer, as after any bulk load
    assert tallies.up_to_date(required)  # ours read the tallies
    print(f"coverage tallies counted in {time.perf_counter() - started:.1f} s")

    cases = [
        ("coverage on a day", [today], lambda: {today: coverage(agencies, today)}, True),
        (
            "trend, 8 quarters",
            quarter_ends(today),
            lambda: coverage_trend(agencies, quarter_ends(today)),
            False,
        ),
    ]
    print(f"{'figure':20} {'ours (s)':>10} {'raw SQL (s)':>12} {'ratio':>7}")
    ratios = {}
    for name, days, ours, per_course in cases:
        sql = raw_sql(required, days, per_course)
        want = raw_figures(sql, days, per_course)
        assert our_figures(ours(), per_course) == want, name
        assert sum(want[days[-1], a.pk][1] for a in agencies) > STAFF // 5  # many are covered
        ours_s, raw_s = interleaved(
            ours, lambda sql=sql, days=days, per_course=per_course: raw_figures(sql, days, per_course)
        )
        ratios[name] = ours_s / raw_s
        print(f"{name:20} {ours_s:10.3f} {raw_s:12.3f} {ratios[name]:7.1f}")
    assert all(ratio <= RATIO_AT_MOST for ratio in ratios.values()), ratios
