"""Each report against the same aggregates written by hand in raw SQL, on synthetic staff.

    make bench                                                       # 2,000 staff on SQLite
    BENCH_STAFF=20000 TEST_DATABASE_URL=postgres://... make bench    # the issue's target size

Prints the median time of each report (everything its page computes, statistics included)
and of its raw SQL, and the ratio (target: 3x or better)."""

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


def raw(statements, scope):
    """Run each statement with the scope: {agencies} becomes the agency ids, and
    %(start)s and %(end)s the period's bounds."""
    ids, start, end = scope
    params = {"start": start, "end": end, **{f"a{n}": pk for n, pk in enumerate(ids)}}
    agencies = ", ".join(f"%(a{n})s" for n in range(len(ids)))

    def run():
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql.replace("{agencies}", agencies), params)
                cursor.fetchall()

    return run


def training_sql():
    month = (
        "strftime('%%Y-%%m', c.completed_at)"
        if connection.vendor == "sqlite"
        else "date_trunc('month', c.completed_at)"
    )
    took = (
        "julianday(c.completed_at) - julianday(e.started_at)"
        if connection.vendor == "sqlite"
        else "c.completed_at - e.started_at"
    )
    scope = "c.agency_id IN ({agencies}) AND c.completed_at >= %(start)s AND c.completed_at < %(end)s"
    return [
        "SELECT COUNT(*) FROM courses_learnerprofile WHERE agency_id IN ({agencies}) AND created_at < %(end)s",
        "SELECT COUNT(DISTINCT e.learner_id) FROM courses_enrolment e WHERE e.agency_id IN ({agencies}) "
        "AND e.started_at >= %(start)s AND e.started_at < %(end)s",
        f"SELECT COUNT(DISTINCT c.learner_id) FROM courses_completion c WHERE {scope}",
        f"SELECT {month}, COUNT(DISTINCT c.learner_id), COUNT(*) FROM courses_completion c WHERE {scope} "
        "GROUP BY 1 ORDER BY 1",
        f"SELECT {took} FROM courses_completion c JOIN courses_enrolment e ON e.id = c.enrolment_id "
        f"WHERE {scope} ORDER BY 1 LIMIT 2 OFFSET 100",
        f"SELECT c.course_title, COUNT(DISTINCT c.learner_id) FROM courses_completion c WHERE {scope} GROUP BY 1",
        f"SELECT c.job_role_label, COUNT(DISTINCT c.learner_id) FROM courses_completion c WHERE {scope} GROUP BY 1",
        f"SELECT c.agency_id, COUNT(DISTINCT c.learner_id) FROM courses_completion c WHERE {scope} GROUP BY 1",
        "SELECT agency_id, COUNT(*) FROM courses_learnerprofile WHERE agency_id IN ({agencies}) "
        "AND created_at < %(end)s GROUP BY 1",
    ]


LATEST_SURVEYED = """
    latest AS (
        SELECT MAX(c.enrolment_id) AS enrolment_id FROM courses_completion c
        WHERE c.agency_id IN ({agencies}) AND c.completed_at >= %(start)s AND c.completed_at < %(end)s
          AND EXISTS (SELECT 1 FROM courses_surveysubmission s
                      WHERE s.enrolment_id = c.enrolment_id AND s.phase = 'before')
          AND EXISTS (SELECT 1 FROM courses_surveysubmission s
                      WHERE s.enrolment_id = c.enrolment_id AND s.phase = 'after')
        GROUP BY c.learner_id
    )"""

CONFIDENCE_SQL = [
    f"""WITH {LATEST_SURVEYED},
    ratings AS (
        SELECT r.enrolment_id, r.item_id,
               MAX(CASE WHEN r.phase = 'before' THEN r.rating END) AS before,
               MAX(CASE WHEN r.phase = 'after' THEN r.rating END) AS after,
               MAX(CASE WHEN r.phase = 'retrospective' THEN r.rating END) AS looking_back
        FROM courses_surveyresponse r JOIN latest l ON l.enrolment_id = r.enrolment_id
        GROUP BY r.enrolment_id, r.item_id
    )
    SELECT item_id, before, looking_back, after, COUNT(*) FROM ratings GROUP BY 1, 2, 3, 4""",
    f"""WITH {LATEST_SURVEYED},
    means AS (
        SELECT r.enrolment_id,
               AVG(CASE WHEN r.phase = 'before' THEN r.rating END) AS before,
               AVG(CASE WHEN r.phase = 'after' THEN r.rating END) AS after
        FROM courses_surveyresponse r JOIN latest l ON l.enrolment_id = r.enrolment_id
        GROUP BY r.enrolment_id
    )
    SELECT c.agency_id, m.before, m.after, COUNT(*) FROM means m
    JOIN courses_completion c ON c.enrolment_id = m.enrolment_id GROUP BY 1, 2, 3""",
]

FIRST_ATTEMPTS = """
    first AS (
        SELECT a.id, a.score, p.agency_id FROM quizzes_attempt a
        JOIN courses_learnerprofile p ON p.user_id = a.learner_id
        WHERE a.number = 1 AND a.submitted_at >= %(start)s AND a.submitted_at < %(end)s AND p.agency_id IN ({agencies})
    )"""

QUIZ_SQL = [
    f"""WITH {FIRST_ATTEMPTS},
    size AS (SELECT CAST(CASE WHEN COUNT(*) < 4 THEN 1 ELSE ROUND(COUNT(*) * 0.27) END AS INTEGER) AS n FROM first),
    lower_group AS (SELECT id FROM first ORDER BY score, id LIMIT (SELECT n FROM size)),
    upper_group AS (SELECT id FROM first ORDER BY score DESC, id DESC LIMIT (SELECT n FROM size))
    SELECT r.question_id, COUNT(*), SUM(CASE WHEN r.score = 1 THEN 1 ELSE 0 END),
           COUNT(u.id), SUM(CASE WHEN u.id IS NOT NULL AND r.score = 1 THEN 1 ELSE 0 END),
           COUNT(l.id), SUM(CASE WHEN l.id IS NOT NULL AND r.score = 1 THEN 1 ELSE 0 END)
    FROM quizzes_response r JOIN first f ON f.id = r.attempt_id
    LEFT JOIN upper_group u ON u.id = r.attempt_id LEFT JOIN lower_group l ON l.id = r.attempt_id
    GROUP BY r.question_id""",
    f"""WITH {FIRST_ATTEMPTS}
    SELECT m.category, COUNT(*), SUM(CASE WHEN m.ticked THEN 0 ELSE 1 END), COUNT(DISTINCT m.attempt_id)
    FROM quizzes_indicatormark m JOIN first f ON f.id = m.attempt_id GROUP BY m.category""",
    f"""WITH {FIRST_ATTEMPTS}
    SELECT m.band, m.correct, m.chosen, COUNT(*) FROM quizzes_colourmark m
    JOIN first f ON f.id = m.attempt_id GROUP BY 1, 2, 3""",
    f"""WITH {FIRST_ATTEMPTS}
    SELECT m.band, COUNT(DISTINCT m.attempt_id) FROM quizzes_colourmark m
    JOIN first f ON f.id = m.attempt_id GROUP BY 1""",
    f"""WITH {FIRST_ATTEMPTS}
    SELECT f.agency_id, COUNT(DISTINCT f.id), COUNT(*), SUM(CASE WHEN r.score = 1 THEN 1 ELSE 0 END)
    FROM quizzes_response r JOIN first f ON f.id = r.attempt_id GROUP BY 1""",
]


def report_cases():
    agencies = Agency.objects.all()
    period, _ = reports.period_from({"period": "custom", "from": "2022-01-01", "to": "2030-12-31"})
    scope = (list(agencies.values_list("pk", flat=True)), *period.bounds)
    return [
        ("training numbers", lambda: reports.training_numbers(agencies, period), raw(training_sql(), scope)),
        ("confidence", lambda: reports.confidence(agencies, period), raw(CONFIDENCE_SQL, scope)),
        ("what staff miss", lambda: quiz_reports.figures(agencies, period), raw(QUIZ_SQL, scope)),
    ]


def print_ratios():
    print(f"\n{STAFF} staff on {connection.vendor}")
    print(f"{'report':20} {'ours (s)':>10} {'raw SQL (s)':>12} {'ratio':>7}")
    for name, ours, baseline in report_cases():
        ours_s, raw_s = median_seconds(ours), median_seconds(baseline)
        print(f"{name:20} {ours_s:10.3f} {raw_s:12.3f} {ours_s / raw_s:7.1f}")
        assert ours_s < 60


def test_reports_against_raw_sql():
    call_command("seed_scale", staff=STAFF, remove=True, stdout=io.StringIO())
    print_ratios()
