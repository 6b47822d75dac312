"""The privacy notice: built from the partnership's settings, never an empty heading when
they are missing, true to what a lead sees, and a deployment check until the controller is set."""

import re

import pytest
from bs4 import BeautifulSoup
from django.core.checks import run_checks
from wagtail.models import Site

from cms.models import PartnershipSettings
from workforce.views.chase import STAFF_PROGRESS

pytestmark = pytest.mark.django_db


def partnership(**values):
    settings = PartnershipSettings.for_site(Site.objects.get(is_default_site=True))
    for field, value in values.items():
        setattr(settings, field, value)
    settings.save()
    return settings


def blank_privacy(**values):
    """The privacy settings as a new installation has them: none filled in."""
    return partnership(
        controller_name="",
        controller_address="",
        controller_email="",
        dpo_name="",
        dpo_email="",
        **values,
    )


def notice(client):
    response = client.get("/privacy/")
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser").main


def words(element):
    """The element's text as a reader hears it: one space between words, none before a comma."""
    return re.sub(r" ([,.:;)])", r"\1", " ".join(element.get_text(" ").split()))


def test_anyone_can_read_the_notice_built_from_the_settings(client):
    partnership(
        name="Riverside Safeguarding Children Partnership",
        controller_name="Riverside City Council",
        controller_address="Civic Centre\nRiver Street",
        controller_email="privacy@riverside.example.org",
        dpo_name="Dana Okafor",
        dpo_email="dpo@riverside.example.org",
        lawful_basis="Public task, because we say so in this test.",
        retention_years=4,
    )
    page = notice(client)
    text = words(page)
    assert "The data controller is Riverside City Council, on behalf of Riverside Safeguarding" in text
    assert "Civic Centre" in text and "River Street" in text
    assert "Dana Okafor: dpo@riverside.example.org" in text
    assert "Public task, because we say so in this test." in text
    assert "4 years after your last activity" in text
    assert "anonymised" in text and "counts of who was trained stay the same" in text
    links = {a["href"] for a in page.select("a[href]")}
    assert {"mailto:privacy@riverside.example.org", "mailto:dpo@riverside.example.org"} <= links
    assert {"/my/data/", "/my/data/anonymise/", "/accounts/profile/"} <= links
    assert "https://ico.org.uk/make-a-complaint/" in links and "0303 123 1113" in text


def test_one_year_is_singular(client):
    partnership(retention_years=1)
    assert "1 year after your last activity" in words(notice(client))


def test_missing_settings_fall_back_to_the_partnership_and_leave_no_heading_empty(client):
    blank_privacy(name="Hillside Partnership", lawful_basis="", contact_email="", contact_phone="")
    page = notice(client)
    text = words(page)
    assert "The data controller is Hillside Partnership." in text
    assert "Ask your agency's training lead how to contact Hillside Partnership." in text
    assert "ask for its data protection officer" in text
    assert "Public task (UK GDPR Article 6(1)(e))" in text  # the setting's default, not nothing
    assert not page.select('a[href="mailto:"]')
    for heading in page.select("h2, h3"):
        if "visually-hidden" in heading.get("class", []):
            continue
        following = heading.find_next_sibling()
        assert following is not None and words(following), heading.get_text()


def test_without_a_privacy_email_the_partnerships_contact_is_given(client):
    blank_privacy(contact_email="training@hillside.example.org", contact_phone="01632 960 123")
    page = notice(client)
    assert page.select('a[href="mailto:training@hillside.example.org"]')
    assert "01632 960 123" in words(page)


def test_settings_are_shown_as_text_not_markup(client):
    partnership(controller_name="<script>alert(1)</script>", lawful_basis="<b>bold</b>")
    response = client.get("/privacy/")
    assert b"<script>alert(1)" not in response.content and b"<b>bold</b>" not in response.content
    assert "<script>alert(1)</script>" in words(BeautifulSoup(response.content, "html.parser").main)


def test_the_notice_can_only_be_read(client):
    assert client.post("/privacy/").status_code == 405


# What a lead sees on the staff progress page and its downloads, each named in "Who sees what".
STAFF_PROGRESS_IN_THE_NOTICE = {
    "Name": "your name",
    "Work email": "email address",
    "Agency": "agency",
    "Job role": "job role",
    "Team": "team",
    "State": "not started, in progress, completed, due a refresher or overdue",
    "Last activity": "when you were last active",
    "Lessons done": "how many of its lessons you have done",
    "Last reminded": "when you were last reminded",
}


def test_who_sees_what_names_every_column_of_the_staff_progress_list(client):
    who_sees = words(notice(client).select_one("#who-sees").parent)
    headings = [column.heading for column in STAFF_PROGRESS.columns]
    assert set(headings) == set(STAFF_PROGRESS_IN_THE_NOTICE)
    for heading in headings:
        assert STAFF_PROGRESS_IN_THE_NOTICE[heading] in who_sees, heading
    assert "Content editors" in who_sees and "see no one's records" in who_sees
    assert "training manager" in who_sees and "every agency" in who_sees
    assert "who did it, what it was and when" in who_sees


def test_registration_summarises_the_notice_and_links_to_it(client):
    page = BeautifulSoup(client.get("/accounts/register/").content, "html.parser")
    summary = page.select_one(".privacy-summary")
    assert summary.select_one('a[href="/privacy/"]')
    assert "Who sees it" in words(summary)
    assert page.select_one('input[name="accept_privacy"][type="checkbox"]')


def test_every_page_links_to_the_notice_in_its_footer(client):
    footer = BeautifulSoup(client.get("/").content, "html.parser").select_one("footer")
    assert footer.select_one('a[href="/privacy/"]').get_text() == "Privacy notice"


def privacy_warnings():
    return [m for m in run_checks(include_deployment_checks=True) if m.id == "privacy.W001"]


def test_the_deployment_check_warns_until_the_controller_is_set():
    blank_privacy()
    (warning,) = privacy_warnings()
    assert "no data controller and no email for privacy requests" in warning.msg
    assert "Partnership settings › Privacy notice" in warning.hint
    partnership(controller_name="Riverside City Council")
    (warning,) = privacy_warnings()
    assert "no email for privacy requests" in warning.msg and "data controller" not in warning.msg
    partnership(controller_email="privacy@riverside.example.org")
    assert privacy_warnings() == []


def test_a_site_whose_settings_were_never_saved_is_warned_about():
    partnership(controller_name="Riverside City Council", controller_email="privacy@riverside.example.org")
    root = Site.objects.get(is_default_site=True).root_page
    other = Site.objects.create(hostname="other.example.org", port=443, root_page=root)
    (warning,) = privacy_warnings()
    assert warning.obj == other


def test_the_privacy_check_is_a_deployment_check_only():
    blank_privacy()
    assert not [m for m in run_checks() if m.id == "privacy.W001"]
