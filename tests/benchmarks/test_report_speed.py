"""Every report page against the same figures written by hand in SQL over the raw tables,
whole page against whole query, on synthetic staff.

    make bench                                                         # 2,000 staff on SQLite
    BENCH_STAFF=100000 TEST_DATABASE_URL=postgres://... make bench     # the issue's size

The hand-written SQL computes what the page computes, the same way: the period and the
previous one it is set beside, months in Europe/London (each month's bounds are London
midnights, passed in), the true median (the middle one or two durations, found from the
count), the upper and lower 27% of first attempts by score, ties by id. A lead (one agency)
and the partnership manager (every agency) each read this quarter and all time (the two
years of history). Each round times our page and then the SQL, so that whatever else the
machine is doing falls on both; the medians of the rounds and their ratio are printed."""

import io
import os
import statistics
import time
from datetime import date, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from cms.models import Agency
from courses import reports
from courses.models import AgencyLead, DeliveryMode, PartnershipManager
from quizzes.models import Purpose
from tests.factories import make_learner

pytestmark = pytest.mark.django_db
STAFF = int(os.environ.get("BENCH_STAFF", "2000"))
ROUNDS = 5


def interleaved(ours, theirs):
    """Median seconds of each over ROUNDS rounds, ours then theirs in every round."""
    times = ([], [])
    for _ in range(ROUNDS):
        for work, kept in zip((ours, theirs), times, strict=True):
            start = time.perf_counter()
            work()
            kept.append(time.perf_counter() - start)
    return statistics.median(times[0]), statistics.median(times[1])


def london_months(period):
    """(label, start, end) of each calendar month in the period, bounds at London midnight."""
    months, day = [], period.start.replace(day=1)
    while day <= period.end:
        following = (day + timedelta(days=32)).replace(day=1)
        months.append((f"{day:%Y-%m}", _midnight(day), _midnight(following)))
        day = following
    return months


def _midnight(day: date):
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def _adapt(value):
    return connection.ops.adapt_datetimefield_value(value) if isinstance(value, datetime) else value


class Scope:
    """One viewer's agencies and one period, as SQL text and parameters for the statements:
    {agencies} becomes the agency ids, {months} a table of London months (label, s, e)."""

    def __init__(self, agency_ids, period, today):
        self.params = {"today": today, "within_30": today + timedelta(days=30)}
        self.params.update(within_60=today + timedelta(days=60), within_90=today + timedelta(days=90))
        self.params["overdue"] = today - timedelta(days=1)
        self.agencies = ", ".join(f"%(a{n})s" for n in range(len(agency_ids)))
        self.params.update({f"a{n}": pk for n, pk in enumerate(agency_ids)})
        self.periods = [period, reports.previous(period)]

    def run(self, statements):
        """Each statement once per period (the page sets each figure beside the previous period's)."""
        with connection.cursor() as cursor:
            for period in self.periods:
                start, end = period.bounds
                months = london_months(period)
                params = {**self.params, "start": start, "end": end, "start_day": period.start}
                params["end_day"] = period.end
                params.update({f"m{n}{part}": v for n, m in enumerate(months) for part, v in zip("lse", m, strict=True)})
                table = " UNION ALL ".join(
                    f"SELECT %(m{n}l)s AS label, %(m{n}s)s AS s, %(m{n}e)s AS e" for n in range(len(months))
                )
                params = {name: _adapt(value) for name, value in params.items()}
                for sql in statements:
                    sql = sql.format(agencies=self.agencies, months=f"({table})", took=TOOK[connection.vendor])
                    cursor.execute(sql, params)
                    cursor.fetchall()


TOOK = {"sqlite": "julianday(done) - julianday(began)", "postgresql": "done - began"}
IN_PERIOD = "c.agency_id IN ({agencies}) AND c.completed_at >= %(start)s AND c.completed_at < %(end)s"
E_LEARNING = f"'{DeliveryMode.E_LEARNING.value}'"

TRAINING_SQL = [
    "SELECT COUNT(*) FROM courses_learnerprofile WHERE agency_id IN ({agencies}) AND created_at < %(end)s",
    "SELECT COUNT(DISTINCT e.learner_id), COUNT(DISTINCT CASE WHEN c.completed_at < %(end)s THEN e.learner_id END) "
    "FROM courses_enrolment e LEFT JOIN courses_completion c ON c.enrolment_id = e.id "
    "WHERE e.agency_id IN ({agencies}) AND e.started_at >= %(start)s AND e.started_at < %(end)s",
    f"SELECT COUNT(DISTINCT c.learner_id) FROM courses_completion c WHERE {IN_PERIOD}",
    f"SELECT m.label, COUNT(DISTINCT c.learner_id), COUNT(*) FROM courses_completion c "
    f"JOIN {{months}} m ON c.completed_at >= m.s AND c.completed_at < m.e WHERE {IN_PERIOD} GROUP BY 1 ORDER BY 1",
    # The true median: the middle one or two durations, found from the count.
    f"""WITH took AS (
        SELECT c.completed_at AS done, e.started_at AS began FROM courses_completion c
        JOIN courses_enrolment e ON e.id = c.enrolment_id WHERE {IN_PERIOD} AND c.delivery_mode = {E_LEARNING}
    ), n AS (SELECT COUNT(*) AS n FROM took)
    SELECT done, began FROM took ORDER BY {{took}}
    LIMIT 2 - (SELECT n FROM n) %% 2 OFFSET ((SELECT n FROM n) - 1) / 2""",
    f"SELECT c.course_title, COUNT(DISTINCT c.learner_id) FROM courses_completion c WHERE {IN_PERIOD} GROUP BY 1",
    f"SELECT c.job_role_label, COUNT(DISTINCT c.learner_id) FROM courses_completion c WHERE {IN_PERIOD} GROUP BY 1",
    "SELECT p.agency_id, COUNT(*), SUM(CASE WHEN EXISTS (SELECT 1 FROM courses_completion c "
    f"WHERE c.learner_id = p.user_id AND {IN_PERIOD}) THEN 1 ELSE 0 END) FROM courses_learnerprofile p "
    "WHERE p.agency_id IN ({agencies}) AND p.created_at < %(end)s GROUP BY 1",
    # Staff trained by delivery mode: (person, course) pairs per agency and in all, and returns.
    f"SELECT c.agency_id, c.delivery_mode, COUNT(DISTINCT c.learner_id || ':' || c.course_id) "
    f"FROM courses_completion c WHERE {IN_PERIOD} GROUP BY 1, 2",
    f"SELECT c.delivery_mode, COUNT(DISTINCT c.learner_id || ':' || c.course_id) "
    f"FROM courses_completion c WHERE {IN_PERIOD} GROUP BY 1",
    "SELECT r.agency_id, COUNT(DISTINCT LOWER(a.email)) FROM training_returnattendee a "
    "JOIN training_singleagencyreturn r ON r.id = a.training_return_id WHERE r.agency_id IN ({agencies}) "
    "AND r.delivered_on >= %(start_day)s AND r.delivered_on <= %(end_day)s GROUP BY 1",
    "SELECT r.agency_id, SUM(h.number) FROM training_returnheadcount h "
    "JOIN training_singleagencyreturn r ON r.id = h.training_return_id WHERE r.agency_id IN ({agencies}) "
    "AND r.delivered_on >= %(start_day)s AND r.delivered_on <= %(end_day)s GROUP BY 1",
    # Refreshers: each person's latest completion of each course, due within 30, 60, 90 days.
    """SELECT SUM(CASE WHEN c.expires_on <= %(overdue)s THEN 1 ELSE 0 END),
              SUM(CASE WHEN c.expires_on <= %(within_30)s THEN 1 ELSE 0 END),
              SUM(CASE WHEN c.expires_on <= %(within_60)s THEN 1 ELSE 0 END), COUNT(*)
       FROM courses_completion c WHERE c.agency_id IN ({agencies}) AND c.expires_on <= %(within_90)s
       AND NOT EXISTS (SELECT 1 FROM courses_completion n WHERE n.learner_id = c.learner_id
                       AND n.course_id = c.course_id AND n.completed_at > c.completed_at)""",
]

LATEST_SURVEYED = f"""
    latest AS (
        SELECT MAX(c.enrolment_id) AS enrolment_id FROM courses_completion c
        WHERE {IN_PERIOD}
          AND EXISTS (SELECT 1 FROM courses_surveysubmission s
                      WHERE s.enrolment_id = c.enrolment_id AND s.phase = 'before')
          AND EXISTS (SELECT 1 FROM courses_surveysubmission s
                      WHERE s.enrolment_id = c.enrolment_id AND s.phase = 'after')
        GROUP BY c.learner_id
    )"""

CONFIDENCE_SQL = [
    f"WITH {LATEST_SURVEYED} SELECT COUNT(*) FROM latest",
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

FIRST_ATTEMPTS = f"""
    first AS (
        SELECT a.id, a.score FROM quizzes_attempt a JOIN courses_enrolment e ON e.id = a.enrolment_id
        WHERE a.purpose = '{Purpose.QUIZ.value}' AND a.number = 1
          AND a.submitted_at >= %(start)s AND a.submitted_at < %(end)s AND e.agency_id IN ({{agencies}})
    )"""

QUIZ_SQL = [
    f"""WITH {FIRST_ATTEMPTS},
    size AS (SELECT CASE WHEN ROUND(COUNT(*) * 0.27) < 1 THEN 1 ELSE CAST(ROUND(COUNT(*) * 0.27) AS INTEGER) END AS n
             FROM first),
    lower_group AS (SELECT id FROM first ORDER BY score, id LIMIT (SELECT n FROM size)),
    upper_group AS (SELECT id FROM first ORDER BY score DESC, id DESC LIMIT (SELECT n FROM size))
    SELECT r.question_id, q.text, COUNT(*), SUM(CASE WHEN r.score = 1 THEN 1 ELSE 0 END),
           COUNT(u.id), SUM(CASE WHEN u.id IS NOT NULL AND r.score = 1 THEN 1 ELSE 0 END),
           COUNT(l.id), SUM(CASE WHEN l.id IS NOT NULL AND r.score = 1 THEN 1 ELSE 0 END)
    FROM quizzes_response r JOIN first f ON f.id = r.attempt_id
    LEFT JOIN quizzes_question q ON q.id = r.question_id
    LEFT JOIN upper_group u ON u.id = r.attempt_id LEFT JOIN lower_group l ON l.id = r.attempt_id
    GROUP BY r.question_id, q.text""",
    f"""WITH {FIRST_ATTEMPTS}
    SELECT m.category, m.category_label, COUNT(*), SUM(CASE WHEN m.ticked THEN 0 ELSE 1 END),
           COUNT(DISTINCT m.attempt_id)
    FROM quizzes_indicatormark m JOIN first f ON f.id = m.attempt_id GROUP BY 1, 2""",
    f"""WITH {FIRST_ATTEMPTS}
    SELECT m.band, m.correct, m.chosen, COUNT(*) FROM quizzes_colourmark m
    JOIN first f ON f.id = m.attempt_id GROUP BY 1, 2, 3""",
    f"""WITH {FIRST_ATTEMPTS}
    SELECT m.band, COUNT(DISTINCT m.attempt_id) FROM quizzes_colourmark m
    JOIN first f ON f.id = m.attempt_id GROUP BY 1""",
    f"""WITH {FIRST_ATTEMPTS}
    SELECT e.agency_id, COUNT(DISTINCT f.id), COUNT(*), SUM(CASE WHEN r.score = 1 THEN 1 ELSE 0 END)
    FROM quizzes_response r JOIN first f ON f.id = r.attempt_id
    JOIN quizzes_attempt a ON a.id = f.id JOIN courses_enrolment e ON e.id = a.enrolment_id GROUP BY 1""",
]

PAGES = [
    ("training numbers", "/leads/reports/", TRAINING_SQL),
    ("confidence", "/leads/reports/confidence/", CONFIDENCE_SQL),
    ("what staff miss", "/leads/reports/quiz/", QUIZ_SQL),
]


def viewers():
    """A lead of the largest agency and the partnership manager, signed in."""
    agencies = Agency.objects.all()
    biggest = max(agencies, key=lambda agency: agency.learners.count())
    lead = make_learner(biggest.code, "bench.lead@example.org")
    AgencyLead.objects.create(user=lead).agencies.add(biggest)
    manager = make_learner(biggest.code, "bench.manager@example.org")
    PartnershipManager.objects.create(user=manager)
    return [("lead", lead, [biggest.pk]), ("manager", manager, list(agencies.values_list("pk", flat=True)))]


def periods(today):
    """This quarter, and all time: the whole months of the synthetic history."""
    all_time = {"period": "custom", "from": f"{today.year - 3}-{today.month:02d}-01"}
    all_time["to"] = f"{(today.replace(day=1) - timedelta(days=1)):%Y-%m-%d}"
    return [("this quarter", {"period": "this_quarter"}), ("all time", all_time)]


def test_report_pages_against_raw_sql(client):
    call_command("seed_scale", staff=STAFF, remove=True, stdout=io.StringIO())
    today = timezone.localdate()
    print(f"\n{STAFF} staff on {connection.vendor}, median of {ROUNDS} interleaved rounds")
    print(f"{'page':18} {'viewer':8} {'period':13} {'page (s)':>9} {'SQL (s)':>9} {'ratio':>6}")
    for who, user, agency_ids in viewers():
        client.force_login(user)
        for when, params in periods(today):
            period, problem = reports.period_from(params, today, whole_months=True)
            assert problem is None, problem
            scope = Scope(agency_ids, period, today)
            for name, url, statements in PAGES:
                page = lambda url=url, params=params: client.get(url, params)  # noqa: E731
                assert page().status_code == 200
                ours, theirs = interleaved(page, lambda s=statements, scope=scope: scope.run(s))
                print(f"{name:18} {who:8} {when:13} {ours:9.3f} {theirs:9.3f} {ours / theirs:6.1f}")
                assert ours < 60
