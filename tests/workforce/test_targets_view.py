"""The partnership manager's targets: one form for every agency, saved together or not at
all, with GOV.UK error messages; the status shown follows the rule on figures worked out
here from the raw rows."""

from datetime import date, datetime, time

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms.models import Agency
from courses.models import AgencyLead, PartnershipManager
from tests.factories import make_learner
from tests.workforce.helpers import LONDON, complete, list_staff, london, required
from workforce.models import CoverageTarget
from workforce.targets import RULE

pytestmark = pytest.mark.django_db

URL = "/leads/targets/"
TODAY = date(2026, 11, 30)
NOW = datetime.combine(TODAY, time(12), LONDON)


@pytest.fixture
def manager(client):
    user = make_learner("housing", email="manager.targets@example.org")
    PartnershipManager.objects.create(user=user)
    client.force_login(user)
    return user


def form_data(**targets):
    """A POST of the whole form: every agency blank but those given as
    code=(share, "day month year", [job roles])."""
    data = {}
    for agency in Agency.objects.all():
        share, due, roles = targets.get(agency.code, ("", "", []))
        day, month, year = (due.split(" ") + ["", "", ""])[:3] if due else ("", "", "")
        data |= {
            f"{agency.code}-share": share,
            f"{agency.code}-day": day,
            f"{agency.code}-month": month,
            f"{agency.code}-year": year,
            f"{agency.code}-job_roles": roles,
        }
    return data


@pytest.fixture
def housing_staff():
    """Housing's staff list: four housing officers, three of them covered today, and two
    managers, neither covered."""
    agency = Agency.objects.get(code="housing")
    officers = [make_learner("housing", email=f"officer{n}.targets@example.org") for n in range(4)]
    managers = [
        make_learner("housing", email=f"boss{n}.targets@example.org", job_role="manager") for n in range(2)
    ]
    for person in officers[:3]:
        for course in required(agency):
            complete(person, course, agency, london(2026, 5, 1, 10))
    list_staff(agency, *officers)
    list_staff(agency, *managers, job_role="manager")
    return agency


def test_only_the_partnership_manager_sets_targets(client):
    assert client.get(URL).status_code == 302
    learner = make_learner("housing")
    client.force_login(learner)
    assert client.get(URL).status_code == 403
    lead = make_learner("housing", email="lead.targets@example.org")
    AgencyLead.objects.create(user=lead).agencies.add(Agency.objects.get(code="housing"))
    client.force_login(lead)
    assert client.get(URL).status_code == 403
    assert client.post(URL, form_data(housing=("80", "31 3 2027", []))).status_code == 403
    assert not CoverageTarget.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_the_manager_sets_a_target_for_frontline_roles(client, manager):
    response = client.post(URL, form_data(housing=("80", "31 3 2027", ["housing", "social_worker"])))
    assert response.status_code == 302
    target = CoverageTarget.objects.get()
    assert (target.agency.code, target.share, target.due_on) == ("housing", 80, date(2027, 3, 31))
    assert sorted(target.job_roles) == ["housing", "social_worker"]
    assert target.set_by == manager
    page = client.get(URL, follow=True)
    text = BeautifulSoup(page.content, "html.parser").text
    assert (
        "Targets saved. Housing: 80% of staff in these job roles (Housing officer, Social worker) "
        "by 31 March 2027" in text
    )
    assert RULE in text


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    "share, due, message, field",
    [
        ("eighty", "31 3 2027", "Enter the target for Housing as a whole number, like 80", "housing-share"),
        ("0", "31 3 2027", "The target for Housing must be between 1% and 100%", "housing-share"),
        ("101", "31 3 2027", "The target for Housing must be between 1% and 100%", "housing-share"),
        ("80", "", "Enter the date Housing should reach its target by", "housing-day"),
        ("80", "31  2027", "The date for Housing must include a month", "housing-month"),
        ("80", "31 2 2027", "The date for Housing must be a real date", "housing-day"),
        ("80", "31 3 27", "Year must include 4 numbers", "housing-year"),
        ("80", "1 1 2026", "The date for Housing must be today or in the future", "housing-day"),
    ],
)
def test_a_problem_is_linked_to_its_field_and_nothing_is_saved(client, manager, share, due, message, field):
    CoverageTarget.objects.create(
        agency=Agency.objects.get(code="police"), share=50, due_on=date(2027, 6, 30)
    )
    data = form_data(housing=(share, due, []), health=("90", "31 12 2027", []))
    response = client.post(URL, data)
    assert response.status_code == 400
    page = BeautifulSoup(response.content, "html.parser")
    summary = page.select_one(".error-summary")
    links = [(a.text, a["href"]) for a in summary.select("a")]
    assert links == [(message, f"#{field}")]
    assert page.select_one(f"#{field}") is not None
    assert message in page.select_one(f"#{field}").find_parent(class_="field--error").text
    assert page.title.text.startswith("Error:")
    # Nothing written: Health's good target is not saved, and Police's (blank in this
    # form) is not removed.
    assert list(CoverageTarget.objects.values_list("agency__code", "share")) == [("police", 50)]
    # What was typed comes back.
    assert page.select_one("#health-share")["value"] == "90"


@time_machine.travel(NOW, tick=False)
def test_a_past_date_already_set_may_be_kept(client, manager):
    CoverageTarget.objects.create(
        agency=Agency.objects.get(code="police"), share=50, due_on=date(2026, 3, 31)
    )
    assert client.post(URL, form_data(police=("60", "31 3 2026", []))).status_code == 302
    assert CoverageTarget.objects.get().share == 60


@time_machine.travel(NOW, tick=False)
def test_a_blank_share_removes_the_target(client, manager):
    agency = Agency.objects.get(code="police")
    CoverageTarget.objects.create(agency=agency, share=50, due_on=date(2027, 6, 30))
    page = BeautifulSoup(client.get(URL).content, "html.parser")
    assert page.select_one("#police-share")["value"] == "50"
    assert page.select_one("#police-year")["value"] == "2027"
    response = client.post(URL, form_data(police=("", "30 6 2027", [])), follow=True)
    assert not CoverageTarget.objects.exists()
    assert "Police: target removed" in response.content.decode()


def status_of(page, agency_name):
    for row in page.select("table[data-table=targets] tbody tr"):
        cells = [c.get_text(" ", strip=True) for c in row.find_all(["th", "td"])]
        if cells[0] == agency_name:
            return cells
    raise AssertionError(agency_name)


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    "share, due, roles, word",
    [
        # Housing officers: 3 of 4 covered (75%); the whole list: 3 of 6 (50%).
        (70, date(2027, 3, 31), ["housing"], "On track"),  # 75 >= 70
        (80, date(2027, 3, 31), ["housing"], "At risk"),  # 5 points below, not yet due
        (80, date(2026, 10, 31), ["housing"], "Off track"),  # below, and the date has passed
        (90, date(2027, 3, 31), ["housing"], "Off track"),  # 15 points below
        (55, date(2027, 3, 31), [], "At risk"),  # the whole list: 50%, 5 below
        (50, date(2027, 3, 31), [], "On track"),
    ],
)
def test_the_status_follows_the_rule_on_the_raw_figures(
    client, manager, housing_staff, share, due, roles, word
):
    CoverageTarget.objects.create(agency=housing_staff, share=share, due_on=due, job_roles=roles)
    counted = 4 if roles else 6
    covered = 3
    expected_share = round(100 * covered / counted, 1)
    gap = share - expected_share
    expected = (
        "On track" if gap <= 0 else "Off track" if due < TODAY or gap > 10 else "At risk"
    )  # the rule, as RULE says it
    assert expected == word
    page = BeautifulSoup(client.get(URL).content, "html.parser")
    cells = status_of(page, "Housing")
    assert cells[1] == f"{expected_share}%"
    assert cells[3] == word
    assert cells[2].startswith(f"{share}% ")


@time_machine.travel(NOW, tick=False)
def test_agencies_without_a_target_or_workforce_say_so_in_words(client, manager):
    page = BeautifulSoup(client.get(URL).content, "html.parser")
    assert status_of(page, "Police")[2:4] == ["No target", "No status"]
    CoverageTarget.objects.create(
        agency=Agency.objects.get(code="police"), share=80, due_on=date(2027, 3, 31)
    )
    page = BeautifulSoup(client.get(URL).content, "html.parser")
    cells = status_of(page, "Police")
    assert cells[1] == "–" and cells[3] == "No status"
    assert "no workforce figure" in cells[4]


@time_machine.travel(NOW, tick=False)
def test_a_lead_reads_her_targets_on_the_trends_tab(client, housing_staff):
    CoverageTarget.objects.create(
        agency=housing_staff, share=80, due_on=date(2027, 3, 31), job_roles=["housing"]
    )
    CoverageTarget.objects.create(
        agency=Agency.objects.get(code="police"), share=80, due_on=date(2027, 3, 31)
    )
    lead = make_learner("housing", email="lead.housing.targets@example.org")
    AgencyLead.objects.create(user=lead).agencies.add(housing_staff)
    client.force_login(lead)
    page = BeautifulSoup(client.get("/leads/reports/trends/").content, "html.parser")
    rows = page.select("table[data-table=targets] tbody tr")
    assert len(rows) == 1
    assert status_of(page, "Housing")[1:4] == [
        "75.0%",
        "80% of staff in these job roles (Housing officer) by 31 March 2027",
        "At risk",
    ]
    assert not page.select(f"a[href='{URL}']")


def test_the_page_takes_the_same_queries_for_5_and_50_staff(client, manager, django_assert_max_num_queries):
    agency = Agency.objects.get(code="housing")
    CoverageTarget.objects.create(agency=agency, share=80, due_on=date(2030, 3, 31), job_roles=["housing"])
    course = required(agency)[0]

    def add_staff(count, start):
        for n in range(start, start + count):
            person = make_learner("housing", email=f"staff{n}.targets@example.org")
            complete(person, course, agency, london(2026, 5, 1, 10))
            list_staff(agency, person)

    add_staff(5, 0)
    with CaptureQueriesContext(connection) as five:
        assert client.get(URL).status_code == 200
    add_staff(45, 5)
    with django_assert_max_num_queries(len(five)):
        assert client.get(URL).status_code == 200
