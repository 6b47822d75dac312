"""Every training-numbers headline figure beside the previous period (the same length
immediately before) and the change, on the page and in the download, against counts made
here from the completion rows."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup

from cms.models import Agency
from courses import pairs, reports
from courses.models import Completion
from courses.statistics import FEWER_THAN_FIVE
from tests.courses.test_reports import finish, lead_for
from tests.export_reading import read_export
from tests.factories import make_course, make_learner

LONDON = ZoneInfo("Europe/London")
TODAY = date(2026, 11, 30)


@pytest.mark.parametrize(
    ("params", "today", "expected"),
    [
        ({"period": "this_quarter"}, TODAY, (date(2026, 7, 1), date(2026, 9, 30))),
        ({"period": "last_quarter"}, date(2026, 2, 10), (date(2025, 7, 1), date(2025, 9, 30))),
        ({"period": "this_year"}, TODAY, (date(2025, 1, 1), date(2025, 12, 31))),
        ({"period": "last_12_months"}, TODAY, (date(2024, 11, 1), date(2025, 10, 31))),
        # Custom whole months: the same number of months before, across a year's end and a leap day.
        (
            {"period": "custom", "from": "2026-02-01", "to": "2026-04-30"},
            TODAY,
            (date(2025, 11, 1), date(2026, 1, 31)),
        ),
        (
            {"period": "custom", "from": "2024-03-01", "to": "2024-03-31"},
            TODAY,
            (date(2024, 2, 1), date(2024, 2, 29)),
        ),
        # Custom days: the same number of days before (10 here).
        (
            {"period": "custom", "from": "2026-03-10", "to": "2026-03-19"},
            TODAY,
            (date(2026, 2, 28), date(2026, 3, 9)),
        ),
        (
            {"period": "custom", "from": "2026-05-15", "to": "2026-05-15"},
            TODAY,
            (date(2026, 5, 14), date(2026, 5, 14)),
        ),
    ],
)
def test_the_previous_period_is_the_same_length_immediately_before(params, today, expected):
    period, problem = reports.period_from(params, today=today)
    assert problem is None
    before = reports.previous(period)
    assert (before.start, before.end) == expected
    assert before.end == period.start - timedelta(days=1)


def test_the_change_has_its_sign_and_says_points_for_a_percentage():
    assert reports.change(5, 2) == 3 and reports.change_text(reports.change(5, 2)) == "+3"
    assert reports.change_text(reports.change(2, 5)) == "−3"
    assert reports.change_text(reports.change(40.0, 41.5), points=True) == "−1.5 points"
    assert reports.change_text(reports.change(42.5, 41.5), points=True) == "+1 point"
    assert reports.change_text(reports.change(7, 7)) == "0"
    assert reports.change(None, 3) is None and reports.change(3, None) is None
    assert reports.change(FEWER_THAN_FIVE, 3) is None
    assert reports.change_text(None) == "–"


def people_completed(agency, start, end):
    """Distinct people with a completion in the agency on London days start..end."""
    return len(
        {
            c.learner_id
            for c in Completion.objects.filter(agency=agency)
            if start <= c.completed_at.astimezone(LONDON).date() <= end
        }
    )


@pytest.mark.django_db
def test_headlines_beside_the_previous_period_on_the_page_and_in_the_download(client):
    course = make_course(lessons=1, title="Previous course")
    housing = Agency.objects.get(code="housing")
    # Three complete in the last quarter of 2025 (one at 23:30 on 31 December, London = GMT),
    # two in the first quarter of 2026 (one at 00:30 on 1 January).
    moments = [
        datetime(2025, 10, 5, 12, tzinfo=UTC),
        datetime(2025, 11, 5, 12, tzinfo=UTC),
        datetime(2025, 12, 31, 23, 30, tzinfo=UTC),
        datetime(2026, 1, 1, 0, 30, tzinfo=UTC),
        datetime(2026, 2, 5, 12, tzinfo=UTC),
    ]
    for moment in moments:
        learner = make_learner("housing")
        completion = finish(learner, course)
        Completion.objects.filter(pk=completion.pk).update(completed_at=moment)
        pairs.recount([completion.learner_id])  # the update went round the tallies
    now = people_completed(housing, date(2026, 1, 1), date(2026, 3, 31))
    then = people_completed(housing, date(2025, 10, 1), date(2025, 12, 31))
    assert (now, then) == (2, 3)
    client.force_login(lead_for("housing"))
    q1 = {"period": "custom", "from": "2026-01-01", "to": "2026-03-31"}
    page = BeautifulSoup(client.get("/leads/reports/", q1).content, "html.parser")
    assert "the previous period, 1 October 2025 to 31 December 2025" in page.get_text(" ", strip=True)
    item = next(
        li
        for li in page.select(".figures li")
        if li.select_one(".figures__label").get_text() == "Staff who completed a course"
    )
    assert item.select_one(".figures__value").get_text() == str(now)
    assert item.select_one(".figures__previous").get_text() == str(then)
    assert item.select_one(".figures__change").get_text() == "−1"
    for kind in ("csv", "xlsx"):
        export = read_export(client.get("/leads/reports/", {**q1, "export": kind, "table": "summary"}))
        assert export["about"]["Previous period"] == "1 October 2025 to 31 December 2025"
        headings, *rows = export["tables"]["Headline figures"]
        row = dict(
            zip(headings, next(r for r in rows if r[0] == "Staff who completed a course"), strict=True)
        )
        assert (float(row["Value"]), float(row["Previous period"]), float(row["Change"])) == (
            now,
            then,
            now - then,
        )


@pytest.mark.django_db
def test_confidence_overall_beside_the_previous_period_with_its_own_people(client):
    """Six people rated 2 then 4 in the first quarter of 2026 and five in the last quarter of
    2025 (one at 23:30 on 31 December, London): each period's overall row counts its own
    people, on the page and in the download; the previous period's median is theirs."""
    course = make_course(lessons=1, title="Confidence course")
    moments = [datetime(2026, 2, 5, 12, tzinfo=UTC)] * 6 + [datetime(2025, 11, 5, 12, tzinfo=UTC)] * 4
    moments.append(datetime(2025, 12, 31, 23, 30, tzinfo=UTC))
    for index, moment in enumerate(moments):
        completion = finish(make_learner("housing"), course, before=2, after=4 if index < 6 else 3)
        Completion.objects.filter(pk=completion.pk).update(completed_at=moment)
        pairs.recount([completion.learner_id])  # the update went round the tallies
    client.force_login(lead_for("housing"))
    q1 = {"period": "custom", "from": "2026-01-01", "to": "2026-03-31"}
    page = BeautifulSoup(client.get("/leads/reports/confidence/", q1).content, "html.parser")
    text = page.get_text(" ", strip=True)
    assert (
        "Previous period, 1 October 2025 to 31 December 2025: 5 people, median 2.0 before and 3.0 after"
        in text
    )
    export = read_export(client.get("/leads/reports/confidence/", {**q1, "export": "csv"}))
    headings, *rows = next(rows for title, rows in export["tables"].items() if title.startswith("Overall"))
    people = {row[0]: row[headings.index("People with both ratings")] for row in rows}
    assert people == {
        "All areas": "6",
        "All areas, previous period (1 October 2025 to 31 December 2025)": "5",
    }
