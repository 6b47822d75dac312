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
from datetime import date, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from cms.models import Agency
from courses import reports
from courses.models import AgencyLead, PartnershipManager
from tests.benchmarks.raw_sql import CONFIDENCE_SQL, QUIZ_SQL, TOOK, TRAINING_SQL
from tests.benchmarks.timing import interleaved
from tests.factories import make_learner

pytestmark = pytest.mark.django_db
STAFF = int(os.environ.get("BENCH_STAFF", "2000"))
ROUNDS = 5


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
                params.update(
                    {f"m{n}{part}": v for n, m in enumerate(months) for part, v in zip("lse", m, strict=True)}
                )
                table = " UNION ALL ".join(
                    f"SELECT %(m{n}l)s AS label, %(m{n}s)s AS s, %(m{n}e)s AS e" for n in range(len(months))
                )
                params = {name: _adapt(value) for name, value in params.items()}
                for sql in statements:
                    sql = sql.format(
                        agencies=self.agencies, months=f"({table})", took=TOOK[connection.vendor]
                    )
                    cursor.execute(sql, params)
                    cursor.fetchall()


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
                ours, theirs = interleaved(page, lambda s=statements, scope=scope: scope.run(s), ROUNDS)
                print(f"{name:18} {who:8} {when:13} {ours:9.3f} {theirs:9.3f} {ours / theirs:6.1f}")
                assert ours < 60
