"""The right of access: a learner sees and downloads everything held about her, an
administrator makes the same export for a request by post (and it is logged), and nobody
else gets it. The expected values are what the fixture typed, never read back from the
export code."""

import json
import re

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLResolver, get_resolver, reverse
from wagtail.models import ModelLogEntry

from courses import services
from privacy import audit
from privacy.anonymise import anonymise
from privacy.export import personal_data
from privacy.models import Anonymisation
from tests.factories import make_course
from tests.privacy.conftest import EMAIL, TOTP_SECRET

pytestmark = pytest.mark.django_db


def admin():
    return get_user_model().objects.get(username="admin@example.org")


def test_the_export_holds_every_part_of_her_record(full_record):
    hana, course, key = full_record()
    data = personal_data(hana)

    assert data["account"]["first_name"] == "Hana"
    assert data["account"]["email"] == EMAIL
    assert data["learner_profile"]["agency"] == "Housing"
    assert data["learner_profile"]["team"] == "Tenancy team North"
    [change] = data["agency_change_requests"]
    assert (change["to_agency"], change["job_role_other"], change["status"]) == (
        "Health",
        "Tenancy sustainment officer",
        "Declined",
    )
    enrolment, at_session = data["enrolments"]
    assert (enrolment["how"], at_session["how"]) == ("E-learning", "Multi-agency session")
    assert enrolment["course"] == "Spotting the signs"
    assert len(enrolment["lessons_done"]) == 1
    assert {s["survey"] for s in enrolment["surveys"]} == {"Before the course", "After the course"}
    assert {r["rating"] for r in enrolment["survey_ratings"] if r["phase"] == "After the course"} == {5}
    [attempt] = data["quiz_attempts"]
    assert attempt["passed"] is True and attempt["score_percent"] == 100.0
    assert attempt["answers"] and all(a["marks_fraction"] == 1.0 for a in attempt["answers"])
    [completion, at_session] = data["completions"]
    assert completion["course"] == at_session["course"] == "Spotting the signs"
    [place] = data["training_sessions"]
    assert (place["status"], place["register"], place["agency"]) == ("Booked", "Attended", "Housing")
    [follow_up] = data["impact_follow_ups"]
    assert (follow_up["used_what_you_learned"], follow_up["confidence_now"], follow_up["note"]) == (
        "Yes, once",
        4,
        "Spoke to my lead about a worry sooner",
    )
    assert follow_up["what_changed"] == ["I talked to my safeguarding lead sooner"]
    [listed] = data["single_agency_training_lists"]
    assert (listed["training"], listed["name"], listed["email"]) == (
        "Harmful sexual behaviour briefing",
        "Hana Hughes",
        EMAIL,
    )
    assert completion["certificate"]["holder_name"] == "Hana Hughes"
    assert completion["certificate"]["status"] == "valid"
    [reminder] = data["reminders"]
    assert (reminder["kind"], reminder["agency"]) == ("Reminder", "Housing")
    [entry] = data["staff_list_entries"]
    assert (entry["name"], entry["team"]) == ("Hana Hughes", "North")
    sign_in = data["sign_in"]
    assert [t["name"] for t in sign_in["api_tokens"]] == ["Hana's dashboard"]
    assert [a["provider"] for a in sign_in["work_accounts"]] == ["entra"]
    assert [m["type"] for m in sign_in["two_step_methods"]] == ["TOTP Authenticator"]
    [viewed] = data["audit_log"]
    assert (viewed["who"], viewed["what"], viewed["details"]) == (
        "Lead Housing",
        "Viewed staff record",
        "Staff record",
    )


def test_the_export_is_plain_json_and_carries_no_secret(full_record):
    hana, _, key = full_record()
    text = json.dumps(personal_data(hana))
    for secret in (key, key[:8], TOTP_SECRET, f"oid-{EMAIL}", hana.password):
        assert secret not in text


def test_the_number_of_queries_does_not_grow_with_her_records(
    full_record, django_capture_on_commit_callbacks
):
    hana, _, _ = full_record()
    personal_data(hana)  # what is cached for the process (content types) is cached for both
    with CaptureQueriesContext(connection) as one:
        personal_data(get_user_model().objects.get(pk=hana.pk))
    for number in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            services.enrol(hana, make_course(lessons=2, title=f"More {number}"))
    with CaptureQueriesContext(connection) as many:
        data = personal_data(get_user_model().objects.get(pk=hana.pk))
    assert len(data["enrolments"]) == 5  # the e-learning, the session and three more
    assert len(many) == len(one), "\n".join(q["sql"][:300] for q in many)


def test_a_learner_reads_her_data_on_a_page(client, full_record):
    hana, _, _ = full_record()
    other, _, _ = full_record(
        email="olly.other@example.org", course_title="Second course", name=("Olly", "Other")
    )
    client.force_login(hana)
    response = client.get("/my/data/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    soup = BeautifulSoup(response.content, "html.parser")
    text = soup.get_text(" ", strip=True)
    assert "Spotting the signs" in text and "Tenancy team North" in text
    assert "Second course" not in text and "olly.other@example.org" not in text
    assert soup.select_one("a[href='/my/data.json']")
    assert "Viewed staff record" in text


def test_a_learner_downloads_her_data(client, full_record):
    hana, _, _ = full_record()
    client.force_login(hana)
    response = client.get("/my/data.json")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["account"]["email"] == EMAIL
    assert data["completions"][0]["course"] == "Spotting the signs"


def test_signed_out_visitors_are_sent_to_sign_in(client):
    for url in ("/my/data/", "/my/data.json", "/my/data/anonymise/"):
        response = client.get(url)
        assert response.status_code == 302 and "sign-in" in response["Location"]


def test_an_administrator_exports_for_a_postal_request_and_it_is_logged(client, full_record):
    hana, _, _ = full_record()
    client.force_login(admin())
    url = reverse("privacy_admin:export", args=[hana.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Spotting the signs" in BeautifulSoup(page.content, "html.parser").get_text()
    download = client.get(url, {"format": "json"})
    assert download["Content-Disposition"].startswith("attachment")
    assert "no-store" in download["Cache-Control"]
    assert json.loads(download.content)["account"]["email"] == EMAIL
    logged = ModelLogEntry.objects.filter(object_id=str(hana.pk), action=audit.EXPORTED, user=admin())
    assert sorted(e.data["what"] for e in logged) == ["Access request export", "Access request export (JSON)"]


def test_the_users_listing_links_to_the_export_and_to_anonymising(client, full_record):
    hana, _, _ = full_record()
    client.force_login(admin())
    html = client.get(reverse("wagtailusers_users:index"), {"q": "Hughes"}).content.decode()
    assert reverse("privacy_admin:export", args=[hana.pk]) in html
    assert reverse("privacy_admin:anonymise", args=[hana.pk]) in html


@pytest.mark.parametrize(
    "username", ["editor@example.org", "lead.housing@example.org", "manager@example.org"]
)
def test_only_administrators_reach_the_admin_export(client, full_record, username):
    hana, _, _ = full_record()
    client.force_login(get_user_model().objects.get(username=username))
    for url in (
        reverse("privacy_admin:export", args=[hana.pk]),
        reverse("privacy_admin:export", args=[hana.pk]) + "?format=json",
        reverse("privacy_admin:anonymise", args=[hana.pk]),
    ):
        response = client.get(url)
        assert response.status_code in (302, 403)
        assert b"Hana" not in response.content
    assert not ModelLogEntry.objects.filter(object_id=str(hana.pk), action=audit.EXPORTED).exists()


def test_the_export_of_an_anonymised_account_shows_only_what_is_left(client, full_record):
    hana, _, _ = full_record()
    anonymise(hana, admin(), Anonymisation.Reason.ADMINISTRATOR)
    hana.refresh_from_db()
    data = personal_data(hana)
    text = json.dumps(data)
    for gone in ("Hana", "Hughes", EMAIL, "Tenancy team North"):
        assert gone not in text
    assert data["account"]["anonymised_because"] == "By an administrator"
    assert data["completions"][0]["course"] == "Spotting the signs"
    assert data["sign_in"] == {
        "email_addresses": [],
        "work_accounts": [],
        "two_step_methods": [],
        "api_tokens": [],
    }
    client.force_login(admin())
    page = client.get(reverse("privacy_admin:export", args=[hana.pk]))
    assert page.status_code == 200
    assert "holder's name withheld" in page.content.decode()


def privacy_routes(patterns=None, prefix=""):
    """Every URL of the rights pages, for the person's side and the administrators', found
    in the URL configuration so a new one is checked without anyone remembering to."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from privacy_routes(pattern.url_patterns, route)
        elif getattr(pattern, "lookup_str", "").startswith("privacy.views"):
            yield route


def test_no_rights_page_shows_one_person_anothers_data(client, full_record):
    hana, _, _ = full_record()
    olly, _, _ = full_record(
        email="olly.other@example.org", course_title="Second course", name=("Olly", "Other")
    )
    routes = list(privacy_routes())
    assert {"my/data/", "my/data.json", "admin/privacy/users/<int:pk>/data/"} <= set(routes)
    for route in routes:
        url = "/" + re.sub(r"<(?:\w+:)?pk>", str(hana.pk), route)
        for who in (olly, get_user_model().objects.get(username="lead.housing@example.org")):
            client.force_login(who)
            for method in (client.get, client.post):
                response = method(url, {"format": "json"} if method == client.get else {})
                assert response.status_code in (200, 302, 403, 405), (url, response.status_code)
                assert b"Hughes" not in response.content and EMAIL.encode() not in response.content, url
    assert not Anonymisation.objects.filter(user=hana).exists()
