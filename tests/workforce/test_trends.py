"""The Trends tab: coverage at the end of each of the last 8 quarters and the people who
completed a course in each, against figures worked out here from the raw rows, at quarter
ends in British Summer Time and GMT; the chart's geometry; the page, its scoping, its
downloads and its query counts."""

from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from cms.models import Agency
from courses import pairs
from courses.models import AgencyLead, Completion, PairTally, PartnershipManager
from courses.training_tallies import COMPLETED
from tests.export_reading import read_export
from tests.factories import make_learner
from tests.workforce.helpers import LONDON, complete, list_staff, london, required
from workforce import charts, trends
from workforce.coverage import quarter_ends

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 30)
NOW = datetime.combine(TODAY, time(12), LONDON)
QUARTERS = [  # written out by hand: label, first day, last day counted
    ("January to March 2025", date(2025, 1, 1), date(2025, 3, 31)),
    ("April to June 2025", date(2025, 4, 1), date(2025, 6, 30)),
    ("July to September 2025", date(2025, 7, 1), date(2025, 9, 30)),
    ("October to December 2025", date(2025, 10, 1), date(2025, 12, 31)),
    ("January to March 2026", date(2026, 1, 1), date(2026, 3, 31)),
    ("April to June 2026", date(2026, 4, 1), date(2026, 6, 30)),
    ("July to September 2026", date(2026, 7, 1), date(2026, 9, 30)),
    ("October to December 2026 (so far)", date(2026, 10, 1), TODAY),
]


@pytest.fixture
def carers():
    """Carers' staff list of six, whose completions fall either side of quarter ends:

    A: every required course at 23:30 on 30 June 2026 (BST), and one again on 15 June;
    B: at 00:30 on 1 July 2026 (BST), the next quarter;
    C: at 23:30 on 31 March 2026, two days into BST;
    D: on 10 January 2025 (GMT), expiring on 30 December 2025 (so not current on the 31st);
    E: at 23:30 on 30 September 2026 (BST);
    F: on the list, not registered."""
    agency = Agency.objects.get(code="carers")
    courses = required(agency)
    assert courses, "the shipped content has a course every agency must take"
    people = {name: make_learner("carers", email=f"{name.lower()}.trend@example.org") for name in "ABCDE"}
    for course in courses:
        complete(people["A"], course, agency, london(2026, 6, 30, 23, 30))
        complete(people["B"], course, agency, london(2026, 7, 1, 0, 30))
        complete(people["C"], course, agency, london(2026, 3, 31, 23, 30))
        complete(people["D"], course, agency, london(2025, 1, 10, 12), expires_on=date(2025, 12, 30))
        complete(people["E"], course, agency, london(2026, 9, 30, 23, 30))
    complete(people["A"], courses[0], agency, london(2026, 6, 15, 9))
    list_staff(agency, *people.values(), "f.not.registered@example.org")
    return agency, people, courses


def covered_from_rows(emails, courses, day):
    """People on the list holding, at the end of `day` in London, a completion of every
    course that has not expired, from the completions' raw rows."""
    end = datetime.combine(day + timedelta(days=1), time.min, LONDON)
    rows = list(
        Completion.objects.filter(learner__email__in=emails).values(
            "learner__email", "course", "completed_at", "expires_on"
        )
    )
    return sum(
        all(
            any(
                r["learner__email"] == email
                and r["course"] == course.pk
                and r["completed_at"] < end
                and r["expires_on"] >= day
                for r in rows
            )
            for course in courses
        )
        for email in emails
    )


def completed_from_rows(agency, first, last, leaving_out=()):
    """People with a completion in `agency` made between two London days, each once."""
    rows = Completion.objects.filter(agency=agency).exclude(learner__in=leaving_out)
    rows = rows.values_list("learner", "completed_at")
    return len({learner for learner, at in rows if first <= at.astimezone(LONDON).date() <= last})


@pytest.mark.parametrize(
    "now, source",
    [
        (NOW, "tallies"),  # the quarter under way runs to today: whole months
        (NOW + timedelta(days=15), "records"),  # it ends before today, part of a month
    ],
)
def test_the_trend_matches_the_raw_rows_at_quarter_ends(carers, now, source):
    agency, people, courses = carers
    pairs.rebuild()  # the completions were written round the model layer
    with time_machine.travel(now, tick=False):
        quarters = trends.trend(Agency.objects.filter(pk=agency.pk), TODAY)
        # The completions counted from the training tallies when they can answer.
        assert pairs.level_cells(COMPLETED.name, ("one", agency.pk), None, None).exists()
        ends = quarter_ends(TODAY)
        tallied = trends.completed_by_quarter(Agency.objects.filter(pk=agency.pk), ends)
        with transaction.atomic():
            PairTally.objects.all().delete()  # what the tallies answer, if anything, is nothing now
            emptied = trends.completed_by_quarter(Agency.objects.filter(pk=agency.pk), ends)
            transaction.set_rollback(True)
        assert (emptied != tallied) == (source == "tallies")

    assert [q.label for q in quarters] == [label for label, _, _ in QUARTERS]
    assert [q.so_far for q in quarters] == [False] * 7 + [True]
    assert [q.total.workforce for q in quarters] == [6] * 8
    # By hand: D until her completion lapses, C from March (23:30 BST on the 31st is still
    # March), A from June (23:30 BST on 30 June), B (00:30 on 1 July) and E (23:30 BST on
    # 30 September) from July to September.
    assert [q.total.covered for q in quarters] == [1, 1, 1, 0, 1, 2, 4, 4]
    emails = [p.email for p in people.values()] + ["f.not.registered@example.org"]
    assert [q.total.covered for q in quarters] == [
        covered_from_rows(emails, courses, last) for _, _, last in QUARTERS
    ]
    assert [q.share for q in quarters] == [round(100 * q.total.covered / 6, 1) for q in quarters]
    assert quarters[-1].share == 66.7

    expected = [completed_from_rows(agency, first, last) for _, first, last in QUARTERS]
    assert [q.completed for q in quarters] == expected
    # A completed two courses (and one twice) in April to June: she is one person there.
    mine = Completion.objects.filter(learner__in=people.values())
    assert mine.filter(learner=people["A"]).count() == len(courses) + 1
    baseline = [completed_from_rows(agency, first, last, people.values()) for _, first, last in QUARTERS]
    assert [e - b for e, b in zip(expected, baseline, strict=True)] == [1, 0, 0, 0, 1, 1, 2, 0]


def test_the_trend_by_agency_table_has_each_agency_per_quarter(carers):
    agency, _, _ = carers
    scope = Agency.objects.filter(code__in=["carers", "housing"])
    quarters = trends.trend(scope, TODAY)
    overall, by_agency = trends.trend_tables(quarters)
    assert overall.headings[0] == "Quarter"
    assert [row.values[0] for row in overall.rows] == [label for label, _, _ in QUARTERS]
    assert by_agency.headings == ["Agency", *(label for label, _, _ in QUARTERS)]
    rows = {row.values[0]: row.values[1:] for row in by_agency.rows}
    assert rows[agency.name] == (16.7, 16.7, 16.7, 0.0, 16.7, 33.3, 66.7, 66.7)
    assert rows["Housing"] == (None,) * 8  # no staff list or headcount: no figure


def test_a_quarter_with_nobody_covered_is_zero_and_without_a_workforce_has_no_figure(carers):
    agency, _, _ = carers
    quarters = trends.trend(Agency.objects.filter(code="housing"), TODAY)
    assert all(q.total is None and q.share is None for q in quarters)
    chart = charts.quarters_chart(quarters)
    assert [bar["value"] for bar in chart["bars"]] == ["no figure"] * 8


def test_the_chart_draws_a_half_bar_at_50_percent_and_says_no_figure():
    chart = charts.trend_chart(
        [(["Jan to", "Mar 2026"], 50), (["Apr to", "Jun 2026"], None), (["Jul", "x"], 100)], "T"
    )
    ticks = {tick["value"]: float(tick["y"]) for tick in chart["ticks"]}
    plot_height = chart["axis_y"] - ticks[100]
    half, missing, full = chart["bars"]
    assert float(half["height"]) == pytest.approx(plot_height / 2)
    assert float(half["y"]) + float(half["height"]) == pytest.approx(chart["axis_y"])
    assert float(full["height"]) == pytest.approx(plot_height)
    assert float(missing["height"]) == 0 and missing["value"] == "no figure"
    assert half["value"] == "50%"
    svg = BeautifulSoup(charts.as_svg(chart), "html.parser")
    texts = [t.text for t in svg.find_all("text")]
    assert "no figure" in texts and "50%" in texts and "0%" in texts and "100%" in texts
    assert svg.find("title").text == "T"


def test_the_trend_takes_the_same_queries_for_2_and_8_quarters(carers):
    scope = Agency.objects.all()
    with CaptureQueriesContext(connection) as two:
        assert len(trends.trend(scope, TODAY, quarters=2)) == 2
    with CaptureQueriesContext(connection) as eight:
        assert len(trends.trend(scope, TODAY, quarters=8)) == 8
    assert len(two) == len(eight)


def manager(client):
    user = make_learner("housing", email="manager.trends@example.org")
    PartnershipManager.objects.create(user=user)
    client.force_login(user)
    return user


def lead(client, code="carers"):
    user = make_learner(code, email=f"lead.{code}.trends@example.org")
    AgencyLead.objects.create(user=user).agencies.add(Agency.objects.get(code=code))
    client.force_login(user)
    return user


URL = "/leads/reports/trends/"


def test_learners_are_refused_and_visitors_sent_to_sign_in(client):
    assert client.get(URL).status_code == 302
    client.force_login(make_learner("housing"))
    assert client.get(URL).status_code == 403


@time_machine.travel(NOW, tick=False)
def test_the_page_shows_the_chart_and_the_same_figures_in_tables(client, carers):
    lead(client)
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]
    page = BeautifulSoup(response.content, "html.parser")
    bars = page.select(".chart__svg svg rect")
    assert len(bars) == 8
    # Each bar is followed by its value in words.
    values = [bar.find_next_sibling("text").text for bar in bars]
    assert values == ["16.7%", "16.7%", "16.7%", "0%", "16.7%", "33.3%", "66.7%", "66.7%"]
    table = page.select_one("table[data-table=trend]")
    rows = [
        [c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])] for tr in table.select("tbody tr")
    ]
    assert [row[0] for row in rows] == [label for label, _, _ in QUARTERS]
    assert [row[2] for row in rows] == ["1", "1", "1", "0", "1", "2", "4", "4"]
    assert rows[-1][3] == "66.7%"
    assert trends.TREND_DEFINITION in page.text
    by_agency = page.select_one("table[data-table=trend_by_agency]")
    assert [th.text for th in by_agency.select("tbody th")] == [carers[0].name]
    current = page.select_one('.report-nav a[aria-current="page"]')
    assert current.text == "Trends"
    # A lead reads her agency's target and status, and may not set them.
    assert "On track: coverage is at or above the target." in page.text
    assert page.select_one("table[data-table=targets]")
    assert "Set the agencies' targets" not in page.text


@time_machine.travel(NOW, tick=False)
def test_a_lead_sees_only_her_agencies(client, carers):
    lead(client, "housing")
    page = BeautifulSoup(client.get(URL).content, "html.parser")
    agencies = [th.text for th in page.select("table[data-table=trend_by_agency] tbody th")]
    assert agencies == ["Housing"]
    assert carers[0].name not in page.select_one("table[data-table=targets]").text


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_the_downloads_have_the_tables_and_say_what_they_are(client, carers, kind):
    lead(client)
    response = client.get(URL, {"export": kind})
    assert response.status_code == 200
    read = read_export(response)
    assert read["about"]["Report"] == "Trends"
    assert read["about"]["Agencies"] == carers[0].name
    assert read["about"]["Period"] == "The last 8 quarters to 30 November 2026"
    assert read["about"]["Made on"] == "30 November 2026"
    assert read["filename"].startswith("trends_carers_last-8-quarters_made-2026-11-30")
    trend = read["tables"]["The last 8 quarters"]
    assert trend[0][:4] == ["Quarter", "Workforce", "Covered at the end", "Coverage (%)"]
    assert [row[0] for row in trend[1:]] == [label for label, _, _ in QUARTERS]
    assert [row[2] for row in trend[1:]] == ["1", "1", "1", "0", "1", "2", "4", "4"]
    assert float(trend[-1][3]) == 66.7
    by_agency = read["tables"]["Coverage by agency, quarter by quarter (%)"]
    assert by_agency[1][0] == carers[0].name and float(by_agency[1][-1]) == 66.7
    standing = read["tables"]["Coverage against target"][1]
    assert [standing[0], float(standing[1]), *standing[2:4]] == [
        carers[0].name,
        66.7,
        "No target",
        "No status",
    ]


def test_the_page_takes_the_same_queries_for_5_and_50_staff(client, django_assert_max_num_queries):
    agency = Agency.objects.get(code="carers")
    courses = required(agency)
    lead(client)

    def add_staff(count, start):
        for n in range(start, start + count):
            person = make_learner("carers", email=f"staff{n}.q@example.org")
            complete(person, courses[0], agency, london(2026, 5, 1, 10))
            list_staff(agency, person)

    add_staff(5, 0)
    with CaptureQueriesContext(connection) as five:
        assert client.get(URL).status_code == 200
    add_staff(45, 5)
    with django_assert_max_num_queries(len(five)):
        assert client.get(URL).status_code == 200
