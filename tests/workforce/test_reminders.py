"""Staff progress page and reminders: scoping, the 7-day rule, invitations, the rate limit and
the log, through the page as a lead uses it."""

import csv
import io
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cms.models import Agency
from courses.models import AgencyLead
from tests.factories import make_learner
from workforce import reminders, states
from workforce.models import Reminder, ReminderWindow, StaffListEntry

pytestmark = pytest.mark.django_db

URL = reverse("workforce:report_staff_progress")


def make_lead(code="housing", email="lead.test@example.org"):
    user = get_user_model().objects.create_user(
        username=email, email=email, password="pw", first_name="Lee", last_name="Lead"
    )
    AgencyLead.objects.create(user=user).agencies.add(Agency.objects.get(code=code))
    return user


@pytest.fixture
def lead(client):
    user = make_lead()
    client.force_login(user)
    return user


def listed(email, code="housing", name="Nora Nobody"):
    return StaffListEntry.objects.create(
        agency=Agency.objects.get(code=code), email=email, name=name, job_role="housing"
    )


def sent_to():
    return sorted(address for message in mail.outbox for address in message.to)


def test_invitation_to_the_unregistered_and_reminder_to_the_registered(client, lead):
    entry = listed("new.starter@example.org")
    profile = make_learner("housing", email="registered@example.org").learner_profile

    response = client.post(URL, {"person": [f"list-{entry.pk}", f"registered-{profile.pk}"]}, follow=True)

    assert sent_to() == ["new.starter@example.org", "registered@example.org"]
    by_address = {message.to[0]: message for message in mail.outbox}
    invitation = by_address["new.starter@example.org"]
    reminder = by_address["registered@example.org"]
    assert "register" in invitation.subject.lower()
    assert "http://localhost/accounts/register/" in invitation.body
    assert "http://localhost/my/" in reminder.body
    for message in mail.outbox:
        assert "about your work training only" in message.body
        assert "Lee Lead" in message.body
    kinds = dict(Reminder.objects.values_list("email", "kind"))
    assert kinds == {"new.starter@example.org": "invitation", "registered@example.org": "reminder"}
    assert set(Reminder.objects.values_list("sent_by", flat=True)) == {lead.pk}
    assert "Reminders sent to 2 people." in response.content.decode()


def test_links_use_the_sites_root_url(client, lead):
    from wagtail.models import Site

    Site.objects.filter(is_default_site=True).update(hostname="learning.example.gov.uk", port=443)
    entry = listed("new.starter@example.org")

    client.post(URL, {"person": [f"list-{entry.pk}"]})

    assert "https://learning.example.gov.uk/accounts/register/" in mail.outbox[0].body


def test_no_one_is_sent_two_in_seven_days_whoever_sends(client, lead):
    entry = listed("once@example.org")
    client.post(URL, {"person": [f"list-{entry.pk}"]})
    other = make_lead(email="lead.two@example.org")
    client.force_login(other)

    response = client.post(URL, {"person": [f"list-{entry.pk}"]}, follow=True)

    assert sent_to() == ["once@example.org"]
    assert Reminder.objects.count() == 1
    assert "Reminders sent to 0 people; 1 was reminded in the last 7 days and was not sent another." in (
        response.content.decode()
    )


def test_after_seven_days_another_can_be_sent(client, lead):
    entry = listed("again@example.org")
    ReminderWindow.objects.create(
        email="again@example.org", last_sent_at=timezone.now() - timedelta(days=7, minutes=1)
    )
    ReminderWindow.objects.create(
        email="recent@example.org", last_sent_at=timezone.now() - timedelta(days=6, hours=23)
    )
    recent = listed("recent@example.org", name="Rita Recent")

    client.post(URL, {"person": [f"list-{entry.pk}", f"list-{recent.pk}"]})

    assert sent_to() == ["again@example.org"]


def test_another_agencys_people_are_never_sent_anything(client, lead):
    police = listed("copper@example.org", code="police")
    police_profile = make_learner("police", email="pc@example.org", job_role="police").learner_profile

    response = client.post(
        URL,
        {"person": [f"list-{police.pk}", f"registered-{police_profile.pk}", "list-nonsense"]},
        follow=True,
    )

    assert mail.outbox == []
    assert Reminder.objects.count() == 0
    assert "3 of those ticked are not on your staff and were not sent anything" in response.content.decode()


def test_everyone_in_a_state_without_javascript(client, lead):
    listed("one@example.org")
    listed("two@example.org", name="Tom Two")
    make_learner("housing", email="started.nothing@example.org")
    listed("copper@example.org", code="police")

    response = client.post(URL, {"everyone": "not_registered", "state": "not_registered"}, follow=True)

    assert sent_to() == ["one@example.org", "two@example.org"]
    assert "Reminders sent to 2 people." in response.content.decode()


def test_the_rate_limit_says_so_and_sends_nothing(client, lead):
    entry = listed("limited@example.org")
    for _ in range(20):
        client.post(URL, {"person": ["list-0"]})

    response = client.post(URL, {"person": [f"list-{entry.pk}"]}, follow=True)

    assert mail.outbox == []
    assert "You have sent reminders 20 times in the last hour" in response.content.decode()


def test_a_get_cannot_send_and_a_post_needs_csrf(lead):
    from django.test import Client

    entry = listed("csrf@example.org")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(lead)

    assert strict.post(URL, {"person": [f"list-{entry.pk}"]}).status_code == 403
    assert strict.get(URL, {"person": [f"list-{entry.pk}"]}).status_code == 200
    assert mail.outbox == []


def test_the_log_is_shown_on_the_page(client, lead):
    entry = listed("logged@example.org")
    client.post(URL, {"person": [f"list-{entry.pk}"]})

    page = BeautifulSoup(client.get(URL).content, "html.parser")

    row = page.select_one('tr[data-email="logged@example.org"]')
    assert f"Last reminded {timezone.localdate():%-d %B %Y} by Lee Lead" in row.get_text(" ", strip=True)


def test_the_page_counts_and_filters(client, lead):
    listed("a@example.org", name="Anne")
    listed("b@example.org", name="Bea")
    make_learner("housing", email="c@example.org")
    listed("copper@example.org", code="police")

    page = BeautifulSoup(client.get(URL, {"state": "not_registered"}).content, "html.parser")

    rows = [tr["data-email"] for tr in page.select("tr[data-email]")]
    assert rows == ["a@example.org", "b@example.org"]
    counts = {
        li.select_one(".figures__label").get_text(strip=True): li.select_one(".figures__value").get_text(
            strip=True
        )
        for li in page.select('[data-table="state_counts"] li')
    }
    assert counts["Not registered"] == "2"
    assert page.select_one('button[name="everyone"][value="not_registered"]')


def test_a_lead_of_two_agencies_filtering_by_one_sees_and_reminds_only_its_staff(client):
    lead = make_lead("housing")
    AgencyLead.objects.get(user=lead).agencies.add(Agency.objects.get(code="police"))
    client.force_login(lead)
    listed("tenancy@example.org", name="Tia Tenancy")
    listed("copper@example.org", code="police", name="Cal Copper")
    listed("sergeant@example.org", code="police", name="Sam Sergeant")
    filters = {"agency": "police", "state": "not_registered"}

    page = BeautifulSoup(client.get(URL, filters).content, "html.parser")
    download = client.get(URL, {**filters, "export": "csv"})
    lines = list(csv.reader(io.StringIO(download.getvalue().decode("utf-8-sig"))))
    header = next(line for line in lines if line and line[0] == "Name")
    rows = [line for line in lines[lines.index(header) + 1 :] if line]
    sent = client.post(URL, {**filters, "everyone": "not_registered"}, follow=True)
    housing = StaffListEntry.objects.get(email="tenancy@example.org")
    ticked = client.post(URL, {**filters, "person": [f"list-{housing.pk}"]}, follow=True)

    assert [tr["data-email"] for tr in page.select("tr[data-email]")] == [
        "copper@example.org",
        "sergeant@example.org",
    ]
    assert page.select_one('[data-figure="stuck"]') is not None
    assert [row[1] for row in rows] == ["copper@example.org", "sergeant@example.org"]
    assert "Reminders sent to 2 people." in sent.content.decode()
    assert "Reminders sent to 1 person." in ticked.content.decode()  # a ticked person of her other agency
    assert sent_to() == ["copper@example.org", "sergeant@example.org", "tenancy@example.org"]


def test_bad_filters_are_a_clear_message_not_an_error(client, lead):
    response = client.get(URL, {"state": "nonsense", "agency": "police"})

    assert response.status_code == 400
    text = response.content.decode()
    assert "Choose a state from the list" in text
    assert "Choose one of your agencies" in text


def test_a_learner_is_refused(client):
    client.force_login(make_learner("housing"))
    assert client.get(URL).status_code == 403


def test_the_download_has_the_pages_columns_and_names_what_it_is(client, lead):
    listed("a@example.org", name="Anne")
    listed("copper@example.org", code="police")

    response = client.get(URL, {"export": "csv", "state": "not_registered"})

    lines = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    flat = [" ".join(line) for line in lines]
    assert any("Staff progress" in line for line in flat)
    assert any("Housing" in line for line in flat)
    header = next(line for line in lines if line and line[0] == "Name")
    assert header == [
        "Name",
        "Work email",
        "Agency",
        "Job role",
        "Team",
        "State",
        "Last activity",
        "Lessons done",
        "Last reminded",
    ]
    rows = [line for line in lines[lines.index(header) + 1 :] if line]
    assert [row[1] for row in rows] == ["a@example.org"]
    assert rows[0][5] == "Not registered"


def test_page_queries_are_flat_as_staff_grow(client, lead, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def measure():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    for n in range(3):
        listed(f"few{n}@example.org")
    measure()
    few = measure()
    # More staff, named to come after those on the first page, so that its mix of people (some
    # on the list, some registered, some with training under way) stays the same: which
    # queries a page needs follows that mix (none for a kind of person it does not show).
    for n in range(60):
        listed(f"many{n}@example.org", name=f"Zed Listed {n:02}")
        make_learner("housing", email=f"reg{n}@example.org", first_name="Zed", last_name=f"Registered {n:02}")
    many = measure()

    assert few == many


def test_claim_is_once_in_seven_days():
    now = timezone.now()
    assert reminders.claim("x@example.org", now)
    assert not reminders.claim("x@example.org", now + timedelta(days=6))
    assert reminders.claim("x@example.org", now + timedelta(days=7))


def test_every_state_has_a_sentence():
    assert set(states.STATES) == {
        "not_registered",
        "not_started",
        "in_progress",
        "completed",
        "refresher_due",
        "overdue",
    }
    assert all(state.sentence for state in states.STATES.values())


def test_the_excel_download_names_agency_date_and_has_the_pages_columns(client, lead):
    from tests.export_reading import read_export

    listed("a@example.org", name="Anne")
    listed("copper@example.org", code="police")

    found = read_export(client.get(URL, {"export": "xlsx", "state": "not_registered"}))

    today = timezone.localdate()
    assert found["about"]["Report"] == "Staff progress"
    assert found["about"]["Agencies"] == "Housing"
    assert found["about"]["Period"] == f"On {today:%-d %B %Y}"
    assert found["filename"].startswith(f"staff-progress_housing_on-{today:%Y-%m-%d}")
    headings, *rows = found["tables"]["Staff progress"]
    assert headings[:6] == ["Name", "Work email", "Agency", "Job role", "Team", "State"]
    assert [row[1] for row in rows] == ["a@example.org"]


def test_an_id_too_large_for_any_database_is_refused_not_an_error(client, lead):
    response = client.post(URL, {"person": [f"list-{2**63}", f"registered-{10**30}"]}, follow=True)

    assert response.status_code == 200
    assert mail.outbox == [] and Reminder.objects.count() == 0
    assert "2 of those ticked are not on your staff and were not sent anything" in response.content.decode()


def test_a_mail_server_failure_half_way_records_nothing_for_those_it_failed(client, lead, monkeypatch):
    """The second email fails: the first is sent and logged; the second leaves no log and no
    7-day claim (she can be sent one later), and the lead is told; no error page."""
    first, second = (
        listed("first@example.org", name="Ann First"),
        listed("second@example.org", name="Ben Second"),
    )
    real = reminders.send_mail

    def refuse_second(subject, body, sender, to):
        if to == ["second@example.org"]:
            raise ConnectionRefusedError("mail server down")
        return real(subject, body, sender, to)

    monkeypatch.setattr(reminders, "send_mail", refuse_second)
    response = client.post(URL, {"person": [f"list-{first.pk}", f"list-{second.pk}"]}, follow=True)

    assert response.status_code == 200
    assert sent_to() == ["first@example.org"]
    assert list(Reminder.objects.values_list("email", flat=True)) == ["first@example.org"]
    assert not ReminderWindow.objects.filter(email="second@example.org").exists()
    assert "The email could not be sent to 1 person" in response.content.decode()
