"""A lead's single-agency returns through the pages: recorded with numbers by job role or a
checked list of people (never both), saved once however often the form is sent, changed until
the quarter closes and then refused, scoped to her agencies, and listed and downloaded by the
partnership manager with queries that do not grow with the returns."""

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from wagtail.models import ModelLogEntry

from cms.models import Agency
from courses.models import AgencyLead, CoursePage, PartnershipManager
from privacy import audit
from tests.factories import make_learner
from training.forms_returns import new_token
from training.models import MaterialsDistributed, ReturnAttendee, ReturnHeadcount, SingleAgencyReturn

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
INDEX = reverse("training:returns")
NEW = reverse("training:return_new")
HEADINGS = "Name,Email,Job role\r\n"


@pytest.fixture(autouse=True)
def _in_february_2027():
    """Every test starts on 15 February 2027 (London), in the first quarter of 2027."""
    with time_machine.travel(datetime(2027, 2, 15, 10, 0, tzinfo=LONDON), tick=False):
        yield


def lead_for(*codes):
    user = make_learner(codes[0], job_role="manager")
    AgencyLead.objects.create(user=user).agencies.add(*Agency.objects.filter(code__in=codes))
    return user


@pytest.fixture
def lead(client):
    user = lead_for("probation")
    client.force_login(user)
    return user


def materials_data(*rows):
    data = {
        "materials-TOTAL_FORMS": "3",
        "materials-INITIAL_FORMS": "0",
        "materials-MIN_NUM_FORMS": "0",
        "materials-MAX_NUM_FORMS": "20",
    }
    for number, row in enumerate(rows):
        for key, value in row.items():
            data[f"materials-{number}-{key}"] = value
    return data


def form_data(**changes):
    data = {
        "token": new_token(),
        "course": "",
        "topic": "Spotting grooming",
        "day": "10",
        "month": "2",
        "year": "2027",
        "delivery_format": "in_person",
        "trainer": "Safeguarding team",
        "impact": "",
        "counted_as": "numbers",
        "role_probation": "12",
        "role_manager": "3",
        **materials_data(),
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def summary(response):
    soup = BeautifulSoup(response.content, "html.parser")
    return [li.get_text(" ", strip=True) for li in soup.select(".error-summary li")]


def people_file(text, name="people.csv"):
    return SimpleUploadedFile(name, text.encode())


def make_return(agency_code="probation", delivered_on=date(2027, 2, 1), **fields):
    return SingleAgencyReturn.objects.create(
        agency=Agency.objects.get(code=agency_code),
        topic=fields.pop("topic", "Briefing"),
        delivered_on=delivered_on,
        delivery_format=fields.pop("delivery_format", "briefing"),
        trainer=fields.pop("trainer", "Team"),
        **fields,
    )


# Recording a return


def test_a_lead_records_a_return_with_numbers_by_job_role_and_materials(client, lead):
    course = CoursePage.objects.live().order_by("path").first()
    data = form_data(
        course=str(course.pk),
        impact="Staff say they now ask the <b>safeguarding lead</b> sooner.",
        **materials_data(
            {"kind": "leaflet", "description": "Spotting grooming", "number": "200"},
            {"kind": "", "description": "", "number": ""},
            {"kind": "poster", "number": "1,500"},
        ),
    )
    response = client.post(NEW, data)
    saved = SingleAgencyReturn.objects.get(created_by=lead)
    assert response.status_code == 302 and response["Location"] == reverse("training:return", args=[saved.pk])
    assert saved.agency.code == "probation" and saved.course == course and saved.topic == "Spotting grooming"
    assert saved.delivered_on == date(2027, 2, 10) and saved.delivery_format == "in_person"
    assert saved.trainer == "Safeguarding team" and saved.updated_by == lead
    assert saved.impact == "Staff say they now ask the safeguarding lead sooner."  # markup removed
    assert dict(saved.headcounts.values_list("job_role", "number")) == {"probation": 12, "manager": 3}
    assert not saved.attendees.exists()
    assert sorted(saved.materials.values_list("kind", "description", "number")) == [
        ("leaflet", "Spotting grooming", 200),
        ("poster", "", 1500),
    ]
    page = client.get(response["Location"])
    text = BeautifulSoup(page.content, "html.parser").get_text(" ", strip=True)
    assert "The return is recorded." in text
    assert "You can change or delete this return until the end of 31 March 2027" in text


def test_the_form_shows_the_impact_hint_and_a_row_per_job_role(client, lead):
    soup = BeautifulSoup(client.get(NEW).content, "html.parser")
    assert (
        "Describe the impact on practice in general terms. Do not include names or details of children, families or cases."
        in soup.get_text()
    )
    assert len(soup.select("input[name^=role_]")) == 19
    assert not soup.select("select[name=agency]")  # she leads one agency: it is hers
    assert soup.select_one("input[name=token]")["value"]


def test_every_field_is_checked_and_nothing_is_written(client, lead):
    data = form_data(
        topic="",
        course="",
        day="31",
        month="2",
        trainer="  ",
        delivery_format="by pigeon",
        impact="x" * 501,
        role_probation="twelve",
        role_manager="10001",
        **materials_data({"kind": "leaflet", "number": "0"}, {"description": "Posters"}),
    )
    response = client.post(NEW, data)
    assert response.status_code == 400
    # The materials' rows are listed first (as the error summary lists problems of no single field).
    assert summary(response) == [
        "Enter how many were handed out as a whole number from 1 to 1,000,000",
        "Choose the kind of material handed out",
        "Enter how many were handed out",
        "Choose the partnership course it covered, or enter the topic",
        "The date delivered must be a real date, like 21 11 2026",
        "Choose how the training was delivered",
        "Enter the trainer's name or team",
        "The impact on practice must be 500 characters or fewer",
        "Enter the number of “Probation officer” staff trained as a whole number from 1 to 10,000, or leave it blank",
        "Enter the number of “Manager” staff trained as a whole number from 1 to 10,000, or leave it blank",
    ]
    assert not SingleAgencyReturn.objects.exists()


@pytest.mark.parametrize(
    "day, month, year, message",
    [
        ("16", "2", "2027", "The date delivered must be today or in the past"),
        (
            "31",
            "12",
            "2026",
            "The date delivered must be in this quarter (from 1 January 2027): the quarter of "
            "31 December 2026 ended on 31 December 2026 and its returns are closed",
        ),
        ("", "", "", "Enter the date the training was delivered"),
        ("10", "", "2027", "The date delivered must include a month"),
        ("10", "2", "27", "The date delivered must be a real date, like 21 11 2026"),
    ],
)
def test_the_date_is_not_in_the_future_nor_in_a_closed_quarter(client, lead, day, month, year, message):
    response = client.post(NEW, form_data(day=day, month=month, year=year))
    assert summary(response) == [message]
    assert not SingleAgencyReturn.objects.exists()


def test_numbers_need_at_least_one_job_role(client, lead):
    response = client.post(NEW, form_data(role_probation="", role_manager="0"))
    assert summary(response) == ["Enter the number trained in at least one job role"]
    assert not SingleAgencyReturn.objects.exists()


def test_numbers_and_a_list_are_never_both_given(client, lead):
    people = HEADINGS + "Ann Lee,ann@example.org,Probation officer\r\n"
    response = client.post(NEW, form_data(file=people_file(people)))  # numbers chosen, and a file
    assert summary(response) == [
        "You chose numbers by job role: remove the file, or choose a list of the people"
    ]
    response = client.post(NEW, form_data(counted_as="list", file=people_file(people)))  # list, and numbers
    assert summary(response) == [
        "You chose a list of the people: clear the numbers by job role, or choose numbers by job role"
    ]
    response = client.post(NEW, form_data(counted_as="list", role_probation="", role_manager=""))
    assert summary(response) == ["Choose a CSV or Excel (XLSX) file of the people trained"]
    response = client.post(NEW, form_data(counted_as=""))
    assert summary(response) == ["Choose numbers by job role or a list of the people"]
    assert not SingleAgencyReturn.objects.exists()
    assert not ReturnAttendee.objects.exists() and not ReturnHeadcount.objects.exists()


def test_a_list_is_shown_for_checking_then_saved_when_the_form_is_sent_again(client, lead):
    learner = make_learner("probation", email="ann@example.org")
    data = form_data(counted_as="list", role_probation="", role_manager="")
    people = HEADINGS + "Ann Lee,ANN@example.org,Probation officer\r\nBo Ray,,Manager\r\n"
    response = client.post(NEW, {**data, "file": people_file(people)})
    assert response.status_code == 200
    assert not SingleAgencyReturn.objects.exists()  # nothing saved before it is seen
    soup = BeautifulSoup(response.content, "html.parser")
    assert "Check the 2 people on the list below, then save the return." in soup.get_text(" ", strip=True)
    rows = [
        [td.get_text(strip=True) for td in tr.select("td")]
        for tr in soup.select("[data-table=preview] tbody tr")
    ]
    assert rows == [["Ann Lee", "ann@example.org", "Probation officer"], ["Bo Ray", "–", "Manager"]]
    # Showing the list names a person with an account: it is in the audit log against her.
    assert ModelLogEntry.objects.filter(action=audit.VIEWED, object_id=str(learner.pk)).exists()
    assert soup.select_one("input[name=topic]")["value"] == "Spotting grooming"  # her answers kept

    response = client.post(NEW, data)  # sent again with no file: the list checked is saved
    saved = SingleAgencyReturn.objects.get()
    assert response["Location"] == reverse("training:return", args=[saved.pk])
    assert sorted(saved.attendees.values_list("name", "email", "job_role")) == [
        ("Ann Lee", "ann@example.org", "probation"),
        ("Bo Ray", "", "manager"),
    ]
    assert not saved.headcounts.exists()


def test_a_bad_list_names_its_rows_and_nothing_is_kept(client, lead):
    data = form_data(counted_as="list", role_probation="", role_manager="")
    people = HEADINGS + "Ann,ann@example.org,Pilot\r\nBo,ann@example.org,Manager\r\n"
    response = client.post(NEW, {**data, "file": people_file(people)})
    assert response.status_code == 400
    assert summary(response) == [
        "Row 2, Job role: “Pilot” is not one of the job roles listed on the form.",
        "The file has 1 problem: nothing was saved. Fix it and upload it again",
    ]
    response = client.post(NEW, data)  # nothing was kept to save
    assert summary(response) == ["Choose a CSV or Excel (XLSX) file of the people trained"]
    assert not SingleAgencyReturn.objects.exists() and not ReturnAttendee.objects.exists()


def test_the_same_form_sent_twice_saves_one_return(client, lead):
    data = form_data()
    first = client.post(NEW, data)
    second = client.post(NEW, data)  # a double click, or the page refreshed
    saved = SingleAgencyReturn.objects.get()
    assert first["Location"] == second["Location"] == reverse("training:return", args=[saved.pk])
    assert ReturnHeadcount.objects.filter(training_return=saved).count() == 2
    client.post(NEW, form_data())  # a new form (new token) for the same training is a new return
    assert SingleAgencyReturn.objects.count() == 2


def test_a_form_with_no_token_is_refused(client, lead):
    response = client.post(NEW, form_data(token="x"))
    assert summary(response) == ["The form could not be read: open it again and re-enter the return"]
    assert not SingleAgencyReturn.objects.exists()


def test_a_lead_of_several_agencies_chooses_one_of_hers(client):
    user = lead_for("probation", "yos")
    client.force_login(user)
    soup = BeautifulSoup(client.get(NEW).content, "html.parser")
    assert [o.get_text() for o in soup.select("select[name=agency] option")][1:] == [
        a.name for a in Agency.objects.filter(code__in=["probation", "yos"]).order_by("sort_order", "name")
    ]
    police = Agency.objects.get(code="police")
    assert summary(client.post(NEW, form_data(agency=str(police.pk)))) == ["Choose an agency from the list"]
    assert summary(client.post(NEW, form_data())) == ["Choose the agency that delivered the training"]
    yos = Agency.objects.get(code="yos")
    client.post(NEW, form_data(agency=str(yos.pk)))
    assert SingleAgencyReturn.objects.get().agency == yos


# Changing and deleting, until the quarter closes


def test_a_lead_changes_her_return_and_who_changed_it_is_recorded(client, lead):
    other_lead = lead_for("probation")
    training_return = make_return(created_by=other_lead, updated_by=other_lead)
    ReturnHeadcount.objects.create(training_return=training_return, job_role="probation", number=4)
    MaterialsDistributed.objects.create(training_return=training_return, kind="leaflet", number=50)
    url = reverse("training:return_change", args=[training_return.pk])
    soup = BeautifulSoup(client.get(url).content, "html.parser")
    assert soup.select_one("input[name=role_probation]")["value"] == "4"
    assert soup.select_one("input[name=day]")["value"] == "1"
    assert soup.select_one("select[name=materials-0-kind] option[selected]")["value"] == "leaflet"
    response = client.post(url, form_data(role_probation="6", role_manager="", **materials_data()))
    assert response.status_code == 302
    training_return.refresh_from_db()
    assert training_return.topic == "Spotting grooming" and training_return.delivered_on == date(2027, 2, 10)
    assert dict(training_return.headcounts.values_list("job_role", "number")) == {"probation": 6}
    assert not training_return.materials.exists()
    assert training_return.created_by == other_lead and training_return.updated_by == lead
    assert training_return.updated_at == datetime(2027, 2, 15, 10, 0, tzinfo=LONDON)


def test_changing_a_list_return_to_numbers_replaces_the_list(client, lead):
    training_return = make_return()
    ReturnAttendee.objects.create(training_return=training_return, name="Ann", job_role="probation")
    url = reverse("training:return_change", args=[training_return.pk])
    soup = BeautifulSoup(client.get(url).content, "html.parser")
    assert soup.select_one("input[name=counted_as][value=list]").has_attr("checked")
    # A list return keeps its list when the form is saved without a new file.
    client.post(url, form_data(counted_as="list", role_probation="", role_manager="", topic="Kept"))
    assert training_return.attendees.count() == 1 and not training_return.headcounts.exists()
    client.post(url, form_data())
    assert not training_return.attendees.exists()
    assert dict(training_return.headcounts.values_list("job_role", "number")) == {
        "probation": 12,
        "manager": 3,
    }


def test_the_quarter_closes_at_midnight_london_time_at_the_end_of_its_last_day(client, lead):
    training_return = make_return(delivered_on=date(2027, 3, 15))
    change_url = reverse("training:return_change", args=[training_return.pk])
    delete_url = reverse("training:return_delete", args=[training_return.pk])
    data = form_data(day="15", month="3", topic="Changed")

    with time_machine.travel(datetime(2027, 3, 31, 23, 59, tzinfo=LONDON), tick=False):
        client.force_login(lead)  # a lead's session does not last six weeks
        assert client.get(change_url).status_code == 200
        assert client.post(change_url, data).status_code == 302
    training_return.refresh_from_db()
    assert training_return.topic == "Changed"
    changed_at = training_return.updated_at

    with time_machine.travel(datetime(2027, 4, 1, 0, 0, tzinfo=LONDON), tick=False):
        # (23:00 on 31 March in UTC: the quarter is London's, not the server's.)
        client.force_login(lead)
        response = client.post(change_url, form_data(day="15", month="3", topic="Too late"))
        assert response.status_code == 403
        text = BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)
        assert "This return is closed: its quarter ended on 31 March 2027. Nothing was changed." in text
        assert client.post(delete_url, {"token": new_token()}).status_code == 403
        page = client.get(reverse("training:return", args=[training_return.pk]))
        soup = BeautifulSoup(page.content, "html.parser")
        assert "This return is closed: its quarter ended on 31 March 2027." in soup.get_text()
        assert not soup.find("a", string="Change the return")
        assert client.get(change_url).status_code == 302  # back to the return, which says it is closed
    training_return.refresh_from_db()
    assert training_return.topic == "Changed" and training_return.updated_at == changed_at


def test_a_lead_deletes_her_return_once(client, lead):
    training_return = make_return()
    ReturnHeadcount.objects.create(training_return=training_return, job_role="probation", number=4)
    url = reverse("training:return_delete", args=[training_return.pk])
    soup = BeautifulSoup(client.get(url).content, "html.parser")
    token = soup.select_one("input[name=token]")["value"]
    first = client.post(url, {"token": token})
    second = client.post(url, {"token": token})  # a double click
    assert first["Location"] == second["Location"] == INDEX
    assert not SingleAgencyReturn.objects.exists() and not ReturnHeadcount.objects.exists()


# Who sees what


def test_anyone_not_a_lead_is_refused(client):
    training_return = make_return()
    client.force_login(make_learner("probation"))
    for url in [
        INDEX,
        NEW,
        reverse("training:return", args=[training_return.pk]),
        reverse("training:return_change", args=[training_return.pk]),
        reverse("training:return_delete", args=[training_return.pk]),
        reverse("training:return_template", args=["csv"]),
    ]:
        assert client.get(url).status_code == 403, url
    assert client.post(NEW, form_data()).status_code == 403
    assert SingleAgencyReturn.objects.count() == 1


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get(INDEX)
    assert response.status_code == 302 and "sign-in" in response["Location"]


def test_another_agencys_return_is_not_found_and_nothing_is_written(client, lead):
    theirs = make_return("yos", topic="Theirs")
    for name in ["training:return", "training:return_change", "training:return_delete"]:
        assert client.get(reverse(name, args=[theirs.pk])).status_code == 404
    assert client.post(reverse("training:return_change", args=[theirs.pk]), form_data()).status_code == 404
    assert (
        client.post(reverse("training:return_delete", args=[theirs.pk]), {"token": new_token()}).status_code
        == 404
    )
    theirs.refresh_from_db()
    assert theirs.topic == "Theirs"
    soup = BeautifulSoup(client.get(INDEX).content, "html.parser")
    assert "Theirs" not in soup.get_text()


def test_the_list_shows_her_agencies_returns_newest_first_with_the_number_trained(client, lead):
    older = make_return(delivered_on=date(2027, 1, 5), topic="Older")
    ReturnHeadcount.objects.create(training_return=older, job_role="probation", number=4)
    ReturnHeadcount.objects.create(training_return=older, job_role="manager", number=2)
    newer = make_return(delivered_on=date(2027, 2, 3), topic="Newer")
    ReturnAttendee.objects.create(training_return=newer, name="Ann", job_role="probation")
    make_return(delivered_on=date(2026, 11, 20), topic="Closed one")
    make_return("yos", topic="Not hers")
    soup = BeautifulSoup(client.get(INDEX).content, "html.parser")
    rows = [
        [c.get_text(strip=True) for c in tr.select("th, td")]
        for tr in soup.select("[data-table=returns] tbody tr")
    ]
    probation = Agency.objects.get(code="probation").name
    assert rows == [
        ["3 February 2027", probation, "Newer", "Team briefing", "1", "Open until 31 March 2027"],
        ["5 January 2027", probation, "Older", "Team briefing", "6", "Open until 31 March 2027"],
        ["20 November 2026", probation, "Closed one", "Team briefing", "0", "Closed on 31 December 2026"],
    ]
    assert soup.find("a", string="Record training")["href"] == NEW
    assert not soup.select("select[name=agency]")  # one agency: nothing to choose


# The partnership manager


@pytest.fixture
def manager(client):
    user = make_learner("police", job_role="manager")
    PartnershipManager.objects.create(user=user)
    client.force_login(user)
    return user


def test_the_manager_filters_by_agency_and_quarter(client, manager):
    make_return("probation", delivered_on=date(2027, 2, 1), topic="Probation Q1")
    make_return("yos", delivered_on=date(2027, 1, 10), topic="YOS Q1")
    make_return("yos", delivered_on=date(2026, 12, 1), topic="YOS Q4")

    def topics(**params):
        soup = BeautifulSoup(client.get(INDEX, params).content, "html.parser")
        return [
            tr.select("td")[1].get_text(strip=True) for tr in soup.select("[data-table=returns] tbody tr")
        ]

    assert topics() == ["Probation Q1", "YOS Q1", "YOS Q4"]
    assert topics(agency="yos") == ["YOS Q1", "YOS Q4"]
    assert topics(quarter="2027-q1") == ["Probation Q1", "YOS Q1"]
    assert topics(agency="yos", quarter="2026-q4") == ["YOS Q4"]
    assert topics(agency="nonsense", quarter="nonsense") == ["Probation Q1", "YOS Q1", "YOS Q4"]


def fill_returns(count):
    agencies = list(Agency.objects.order_by("pk")[:3])
    for n in range(count):
        made = make_return(agencies[n % 3].code, delivered_on=date(2027, 1, 1 + n % 28), topic=f"Topic {n}")
        if n % 2:
            ReturnHeadcount.objects.create(training_return=made, job_role="manager", number=n + 1)
        else:
            ReturnAttendee.objects.create(training_return=made, name="Ann", job_role="manager")
        MaterialsDistributed.objects.create(training_return=made, kind="leaflet", number=10)


@pytest.mark.parametrize("params", [{}, {"download": "csv"}, {"download": "xlsx"}])
def test_the_list_and_downloads_take_the_same_queries_for_one_return_or_many(
    client, manager, django_assert_num_queries, params
):
    fill_returns(1)
    with CaptureQueriesContext(connection) as one:
        assert client.get(INDEX, params).status_code == 200
    assert len(one) <= 20
    fill_returns(30)
    with django_assert_num_queries(len(one)):
        assert client.get(INDEX, params).status_code == 200


def test_the_manager_downloads_the_returns_with_no_one_trained_named(client, manager):
    course = CoursePage.objects.live().order_by("path").first()
    listed = make_return("yos", delivered_on=date(2027, 2, 2), topic="", course=course, trainer="=cmd()")
    ReturnAttendee.objects.create(
        training_return=listed, name="Secret Person", email="secret@example.org", job_role="manager"
    )
    ReturnAttendee.objects.create(training_return=listed, name="Other Person", job_role="manager")
    counted = make_return(
        "probation", delivered_on=date(2027, 1, 20), topic="Briefing on CSE", impact="Asked sooner."
    )
    ReturnHeadcount.objects.create(training_return=counted, job_role="probation", number=7)
    ReturnHeadcount.objects.create(training_return=counted, job_role="manager", number=5)
    MaterialsDistributed.objects.create(
        training_return=counted, kind="leaflet", description="CSE signs", number=300
    )
    MaterialsDistributed.objects.create(training_return=counted, kind="poster", number=12)

    response = client.get(INDEX, {"download": "xlsx", "quarter": "2027-q1"})
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="single-agency-returns_all-agencies_2027-q1_made-2027-02-15.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    lines = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert lines[0][:2] == ["Report", "Single-agency returns"]
    start = next(n for n, line in enumerate(lines) if line[0] == "Date delivered")
    assert list(lines[start]) == [
        "Date delivered",
        "Agency",
        "Course or topic",
        "How it was delivered",
        "Trainer",
        "Number trained",
        "Counted as",
        "Materials distributed",
        "Impact on practice",
        "Can be changed",
    ]
    assert list(lines[start + 1]) == [
        "2 February 2027",
        listed.agency.name,
        course.title,
        "Team briefing",
        "'=cmd()",
        2,
        "List of people",
        None,
        None,
        "Open until 31 March 2027",
    ]
    assert list(lines[start + 2]) == [
        "20 January 2027",
        counted.agency.name,
        "Briefing on CSE",
        "Team briefing",
        "Team",
        12,
        "Numbers by job role",
        "300 × Leaflet (CSE signs); 12 × Poster",
        "Asked sooner.",
        "Open until 31 March 2027",
    ]
    assert len(lines) == start + 3
    assert b"Secret Person" not in response.getvalue() and b"secret@example.org" not in response.getvalue()

    response = client.get(INDEX, {"download": "csv", "agency": "probation"})
    assert (
        'filename="single-agency-returns_probation_all-quarters_made-2027-02-15.csv"'
        in response["Content-Disposition"]
    )
    text = response.getvalue().decode()
    rows = list(csv.reader(io.StringIO(text)))
    assert ["Agencies", counted.agency.name] in rows
    assert [
        row[2] for row in rows[rows.index(next(r for r in rows if r and r[0] == "Date delivered")) + 1 :]
    ] == ["Briefing on CSE"]


def test_a_lead_downloads_only_her_agencies(client, lead):
    make_return("probation", topic="Hers")
    make_return("yos", topic="Not hers")
    text = client.get(INDEX, {"download": "csv"}).getvalue().decode()
    assert "Hers" in text and "Not hers" not in text


def test_the_attendees_shown_on_a_return_are_in_the_audit_log(client, lead):
    learner = make_learner("probation", email="ann@example.org")
    training_return = make_return()
    ReturnAttendee.objects.create(
        training_return=training_return, name="Ann", email="ann@example.org", job_role="probation"
    )
    page = client.get(reverse("training:return", args=[training_return.pk]))
    assert "ann@example.org" in page.content.decode()
    assert ModelLogEntry.objects.filter(action=audit.VIEWED, object_id=str(learner.pk), user=lead).exists()


def test_the_list_template_downloads(client, lead):
    text = client.get(reverse("training:return_template", args=["csv"])).content.decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text)))[0] == ["Name", "Email", "Job role"]
    book = load_workbook(io.BytesIO(client.get(reverse("training:return_template", args=["xlsx"])).content))
    assert [c.value for c in book.active[1]] == ["Name", "Email", "Job role"]
    assert client.get(reverse("training:return_template", args=["pdf"])).status_code == 404
