"""Each report against the same aggregate done with raw SQL, on synthetic staff.

    make bench                      # 2,000 staff on SQLite
    BENCH_STAFF=20000 TEST_DATABASE_URL=postgres://... make bench   # the issue's target size

Prints the median time of each and the ratio (target: 3x or better)."""

import io
import os
import statistics
import time

import pytest
from django.core.management import call_command
from django.db import connection

from cms.models import Agency
from courses import reports
from quizzes import reports as quiz_reports

pytestmark = pytest.mark.django_db
STAFF = int(os.environ.get("BENCH_STAFF", "2000"))
ROUNDS = 5


def median_seconds(work):
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def raw(sql, params):
    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    return run


def raw_all(statements, params):
    """Run several statements, as the report does, each with the scope and period."""

    def run():
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql, params[: sql.count("%s")] if "%s" in sql else [])
                cursor.fetchall()

    return run


def training_sql(marks):
    month = (
        "strftime('%%Y-%%m', c.completed_at)"
        if connection.vendor == "sqlite"
        else "date_trunc('month', c.completed_at)"
    )
    scope = f"c.agency_id IN ({marks}) AND c.completed_at >= %s AND c.completed_at < %s"
    return [
        f"SELECT COUNT(*) FROM courses_learnerprofile WHERE agency_id IN ({marks}) AND created_at < %s",
        f"SELECT COUNT(DISTINCT e.learner_id) FROM courses_enrolment e JOIN courses_learnerprofile p "
        f"ON p.user_id = e.learner_id WHERE p.agency_id IN ({marks}) AND e.started_at >= %s AND e.started_at < %s",
        f"SELECT COUNT(DISTINCT c.learner_id) FROM courses_completion c WHERE {scope}",
        f"SELECT c.completed_at, e.started_at FROM courses_completion c JOIN courses_enrolment e "
        f"ON e.id = c.enrolment_id WHERE {scope}",
        f"SELECT {month}, COUNT(DISTINCT c.learner_id), COUNT(*) FROM courses_completion c WHERE {scope} GROUP BY 1",
        f"SELECT c.course_title, COUNT(DISTINCT c.learner_id) FROM courses_completion c WHERE {scope} GROUP BY 1",
        f"SELECT c.job_role_label, COUNT(DISTINCT c.learner_id) FROM courses_completion c WHERE {scope} GROUP BY 1",
        f"SELECT c.agency_id, COUNT(DISTINCT c.learner_id) FROM courses_completion c WHERE {scope} GROUP BY 1",
        f"SELECT agency_id, COUNT(*) FROM courses_learnerprofile WHERE agency_id IN ({marks}) AND created_at < %s "
        "GROUP BY 1",
    ]


def test_reports_against_raw_sql():
    call_command("seed_scale", staff=STAFF, remove=True, stdout=io.StringIO())
    agencies = Agency.objects.all()
    ids = list(agencies.values_list("pk", flat=True))
    period, _ = reports.period_from({"period": "custom", "from": "2022-01-01", "to": "2030-12-31"})
    start, end = period.bounds
    marks = ", ".join(["%s"] * len(ids))
    cases = [
        (
            "training numbers",
            lambda: reports.training_numbers(agencies, period),
            raw_all(training_sql(marks), [*ids, start, end]),
        ),
        (
            "confidence",
            lambda: reports.confidence(agencies, period),
            raw(
                "SELECT r.enrolment_id, r.item_id, MAX(CASE WHEN r.phase = 'before' THEN r.rating END), "
                "MAX(CASE WHEN r.phase = 'after' THEN r.rating END) FROM courses_surveyresponse r "
                f"JOIN courses_completion c ON c.enrolment_id = r.enrolment_id WHERE c.agency_id IN ({marks}) "
                "AND c.completed_at >= %s AND c.completed_at < %s GROUP BY r.enrolment_id, r.item_id",
                [*ids, start, end],
            ),
        ),
        (
            "what staff miss",
            lambda: quiz_reports.question_statistics(agencies, period),
            raw(
                "SELECT question_id, COUNT(*), SUM(CASE WHEN score = 1 THEN 1 ELSE 0 END) FROM quizzes_response "
                "GROUP BY question_id",
                [],
            ),
        ),
    ]
    print(f"\n{STAFF} staff on {connection.vendor}")
    print(f"{'report':20} {'ours (s)':>10} {'raw SQL (s)':>12} {'ratio':>7}")
    for name, ours, baseline in cases:
        ours_s, raw_s = median_seconds(ours), median_seconds(baseline)
        print(f"{name:20} {ours_s:10.3f} {raw_s:12.3f} {ours_s / raw_s:7.1f}")
        assert ours_s < 60
