"""The leads' "Sessions" tab (per agency: booked, attended, did not attend, no-show rate) and
the page that names who booked and who came."""

import csv
import io
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone
from wagtail.models import ModelLogEntry

from cms.models import Agency
from courses.models import AgencyLead
from courses.reporting.tabs import report_tabs
from tests.factories import make_learner
from tests.training.test_register_views import book, make_session, queries

pytestmark = pytest.mark.django_db
REPORT = "/leads/reports/sessions/"
PEOPLE = "/leads/sessions/people/"
ATTENDED, NO_SHOW = "attended", "no_show"


def make_lead(code="housing"):
    user = make_learner(code)
    AgencyLead.objects.create(user=user).agencies.add(Agency.objects.get(code=code))
    return user


def closed(session):
    session.register_closed_at = timezone.now()
    session.save()
    return session


@pytest.fixture
def sessions():
    """A closed session: 10 housing people with a place (5 attended, 5 did not), a housing
    walk-in who attended and a health attendee; an open session with 1 housing person not yet
    marked; a cancelled session and one of last year (neither counted)."""
    first = make_session()
    for n in range(10):
        book(first, make_learner("housing", first_name=f"H{n}"), attendance=ATTENDED if n < 5 else NO_SHOW)
    book(first, make_learner("housing", first_name="Walk"), walk_in=True, attendance=ATTENDED)
    book(first, make_learner("health", first_name="Heather"), attendance=ATTENDED)
    closed(first)
    second = make_session()
    book(second, make_learner("housing", first_name="Unmarked"))
    book(make_session(cancelled=True), make_learner("housing"), attendance=NO_SHOW)
    book(make_session(starts_in=timedelta(days=-400)), make_learner("housing"), attendance=NO_SHOW)
    return first, second


def figures(response):
    page = BeautifulSoup(response.content, "html.parser")
    table = page.select_one("[data-table=sessions]")
    return [
        [cell.get_text(" ", strip=True) for cell in row.select("th, td")] for row in table.select("tbody tr")
    ]


def test_a_lead_sees_her_agencys_figures_and_the_no_show_rate(client, sessions):
    client.force_login(make_lead("housing"))
    response = client.get(REPORT)
    assert response.status_code == 200
    # booked 11 (10 + 1 unmarked), walk-ins 1, attended 6, late 0, left early 0, did not attend 5;
    # rate: 5 did not attend of the 10 with a place on the closed register (a percentage).
    assert figures(response) == [["Housing", "11", "fewer than 5", "6", "0", "0", "5", "50.0"]]
    assert "Heather" not in response.content.decode()


def test_small_numbers_are_withheld_and_no_rate_without_a_closed_register(client):
    session = make_session()
    for _ in range(3):
        book(session, make_learner("housing"), attendance=NO_SHOW)
    client.force_login(make_lead("housing"))
    assert figures(client.get(REPORT)) == [
        ["Housing", "fewer than 5", "0", "0", "0", "0", "fewer than 5", "–"]
    ]
    closed(session)
    assert figures(client.get(REPORT))[0][-1] == "fewer than 5"
    client.logout()
    open_session = make_session()
    for _ in range(5):
        book(open_session, make_learner("police"), attendance=NO_SHOW)
    client.force_login(make_lead("police"))
    assert figures(client.get(REPORT)) == [["Police", "5", "0", "0", "0", "0", "5", "–"]]


def test_the_report_downloads_as_csv(client, sessions):
    client.force_login(make_lead("housing"))
    response = client.get(REPORT, {"export": "csv"})
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert ["Housing", "11", "fewer than 5", "6", "0", "0", "5", "50.0"] in rows


def test_the_tab_is_served_by_the_api():
    tab = next(tab for tab in report_tabs() if tab.key == "sessions")
    assert tab.tables is not None and tab.url == REPORT


def test_the_report_takes_the_same_queries_for_many_bookings(client, django_assert_num_queries):
    client.force_login(make_lead("housing"))
    book(closed(make_session()), make_learner("housing"), attendance=ATTENDED)
    one = queries(client, REPORT)
    for _ in range(3):
        session = closed(make_session())
        for _ in range(3):
            book(session, make_learner("housing"), attendance=NO_SHOW)
    with django_assert_num_queries(one):
        client.get(REPORT)


def test_learners_cannot_see_the_report(client, sessions):
    client.force_login(make_learner())
    assert client.get(REPORT).status_code == 403
    assert client.get(PEOPLE).status_code == 403


def test_the_people_page_names_her_staff_per_session_and_is_logged(client, sessions):
    first, second = sessions
    lead = make_lead("housing")
    client.force_login(lead)
    response = client.get(PEOPLE)
    page = BeautifulSoup(response.content, "html.parser")
    headings = [h2.get_text(strip=True) for h2 in page.select("main h2")]
    assert len(headings) == 2
    rows = [[c.get_text(strip=True) for c in tr.select("th, td")] for tr in page.select("main tbody tr")]
    assert len(rows) == 12  # 11 on the first register, 1 on the second
    assert any(row[0] == "Walk Learner" and row[3:] == ["Walk-in", "Attended"] for row in rows)
    assert any(row[0] == "Unmarked Learner" and row[4] == "Not marked yet" for row in rows)
    assert "Heather" not in response.content.decode()
    logged = ModelLogEntry.objects.filter(user=lead).count()
    assert logged == 12


def test_the_people_page_takes_the_same_queries_for_many_people(client, django_assert_num_queries):
    client.force_login(make_lead("housing"))
    book(make_session(), make_learner("housing"))
    one = queries(client, PEOPLE)
    for _ in range(2):
        session = make_session()
        for _ in range(3):
            book(session, make_learner("housing"))
    with django_assert_num_queries(one):
        client.get(PEOPLE)
