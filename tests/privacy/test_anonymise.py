"""Erasure by anonymisation: her name, email and what she typed go, every way to sign in
closes, and every figure the partnership reports stays exactly the same; doing it twice
changes nothing; the learner can do it herself after confirming, an administrator from
Wagtail's Users; certificates still verify, with the name withheld."""

import json

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from axes.models import AccessAttempt
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from wagtail.models import APIToken, ModelLogEntry

from certificates.issuing import ensure_pdf
from certificates.models import Certificate
from cms.models import Agency
from courses import reports
from courses.models import AgencyChangeRequest, Completion, LearnerProfile, PendingRegistration
from privacy import audit
from privacy.anonymise import anonymise
from privacy.models import Anonymisation
from tests.privacy.conftest import EMAIL
from workforce.coverage import coverage
from workforce.models import Reminder, StaffListEntry

pytestmark = pytest.mark.django_db
NEW_EMAIL = "anonymised-{}@anonymised.invalid"


def admin():
    return get_user_model().objects.get(username="admin@example.org")


def figures(client):
    """Every count the partnership reports, from the functions the pages use and from the API."""
    agencies = Agency.objects.all()
    this_year, _ = reports.period_from({"period": "this_year"})
    client.force_login(get_user_model().objects.get(username="manager@example.org"))
    _, key = APIToken.create_token(
        user=get_user_model().objects.get(username="manager@example.org"), name="figures"
    )
    api = {
        path: json.loads(
            client.get(path, {"period": "this_year"}, HTTP_AUTHORIZATION=f"Bearer {key}").content
        )
        for path in ("/api/v1/training-numbers", "/api/v1/confidence")
    }
    return {
        "training": reports.training_numbers(agencies, this_year),
        "confidence": reports.confidence(agencies, this_year),
        "coverage": coverage(agencies, timezone.localdate()),
        "coverage_by_role": coverage(agencies, timezone.localdate(), by="job_role"),
        "staff": reports.staff_list(agencies).count(),
        "api": api,
    }


def test_anonymising_removes_her_details_and_closes_every_way_in(
    full_record, django_capture_on_commit_callbacks
):
    hana, course, _ = full_record(job_role="other")
    PendingRegistration.start(
        password="another-password-1",
        email=EMAIL,
        first_name="Hana",
        last_name="Hughes",
        agency=Agency.objects.get(code="housing"),
        job_role="housing",
    )
    AccessAttempt.objects.create(
        username=EMAIL, ip_address="127.0.0.1", failures_since_start=2, get_data="", post_data=""
    )
    certificate = Certificate.objects.get(completion__learner=hana, completion__delivery_mode="e_learning")
    with django_capture_on_commit_callbacks(execute=True):
        pdf = ensure_pdf(certificate)
    assert default_storage.exists(pdf)

    with django_capture_on_commit_callbacks(execute=True):
        assert anonymise(hana, admin(), Anonymisation.Reason.ADMINISTRATOR) is True

    hana.refresh_from_db()
    new_email = NEW_EMAIL.format(hana.pk)
    assert (hana.first_name, hana.last_name, hana.email, hana.username) == (
        "Anonymised",
        "person",
        new_email,
        new_email,
    )
    assert not hana.has_usable_password() and not hana.is_active
    profile = LearnerProfile.objects.get(user=hana)
    assert (profile.agency.code, profile.job_role, profile.team, profile.job_role_other) == (
        "housing",
        "other",
        "",
        "Tenancy sustainment officer",
    )
    # Her job role is what the reports count her under, a named "Other" role included.
    assert AgencyChangeRequest.objects.get(learner=hana).job_role_other == "Tenancy sustainment officer"
    assert {c.job_role_label for c in Completion.objects.filter(learner=hana)} == {
        "Tenancy sustainment officer"
    }
    for model in (EmailAddress, SocialAccount, Authenticator, APIToken):
        assert not model.objects.filter(user=hana).exists(), model
    assert not PendingRegistration.objects.filter(email=EMAIL).exists()
    assert not AccessAttempt.objects.filter(username=EMAIL).exists()
    entry = StaffListEntry.objects.get(agency__code="housing", email=new_email)
    assert (entry.name, entry.team, entry.job_role) == ("Anonymised person", "", "other")
    assert not StaffListEntry.objects.filter(email=EMAIL).exists()
    assert list(Reminder.objects.filter(user=hana).values_list("email", flat=True)) == [new_email]
    certificate.refresh_from_db()
    assert (certificate.holder_name, certificate.pdf.name, certificate.course_title) == (
        "",
        "",
        "Spotting the signs",
    )
    assert not default_storage.exists(pdf)
    [logged] = ModelLogEntry.objects.filter(object_id=str(hana.pk), action=audit.ANONYMISED)
    assert (logged.user, logged.data["what"]) == (admin(), "By an administrator")


def test_every_report_counts_her_the_same_afterwards(client, full_record):
    hana, _, _ = full_record()
    before = figures(client)
    assert before["training"]["completed"] >= 1
    anonymise(hana, admin(), Anonymisation.Reason.ADMINISTRATOR)
    assert figures(client) == before


def test_anonymising_twice_changes_nothing(full_record):
    hana, _, _ = full_record()
    assert anonymise(hana, admin(), Anonymisation.Reason.ADMINISTRATOR) is True
    hana.refresh_from_db()
    state = (hana.first_name, hana.email, hana.password, hana.is_active)
    entries = ModelLogEntry.objects.filter(object_id=str(hana.pk)).count()
    assert anonymise(hana, None, Anonymisation.Reason.RETENTION) is False
    hana.refresh_from_db()
    assert (hana.first_name, hana.email, hana.password, hana.is_active) == state
    assert ModelLogEntry.objects.filter(object_id=str(hana.pk)).count() == entries
    assert Anonymisation.objects.get(user=hana).reason == Anonymisation.Reason.ADMINISTRATOR


def test_her_certificate_still_verifies_with_the_name_withheld(client, full_record):
    hana, _, _ = full_record()
    code = Certificate.objects.get(
        completion__learner=hana, completion__delivery_mode="e_learning"
    ).display_code
    anonymise(hana, admin(), Anonymisation.Reason.REQUEST)
    response = client.get(reverse("certificates:verify_code", args=[code]))
    text = BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)
    assert response.status_code == 200
    assert "Valid certificate" in text and "Name withheld" in text and "Spotting the signs" in text
    assert "Hughes" not in text


def test_a_learner_anonymises_herself_after_confirming(client, full_record):
    hana, _, _ = full_record()
    client.force_login(hana)
    page = client.get("/my/data/anonymise/")
    assert page.status_code == 200 and "cannot undo" in page.content.decode()

    unticked = client.post("/my/data/anonymise/", {})
    assert unticked.status_code == 200
    assert (
        "Tick the box to confirm"
        in BeautifulSoup(unticked.content, "html.parser").select_one(".error-summary").text
    )
    assert not Anonymisation.objects.filter(user=hana).exists()

    done = client.post("/my/data/anonymise/", {"confirm": "on"}, follow=True)
    assert done.redirect_chain[-1][0] == "/my/data/anonymised/"
    assert "Your account has been anonymised" in done.content.decode()
    assert Anonymisation.objects.get(user=hana).reason == Anonymisation.Reason.REQUEST
    assert client.get("/my/data/").status_code == 302  # signed out
    signed_in = client.post(
        reverse("courses:login"), {"username": EMAIL, "password": "correct-horse-battery"}
    )
    assert "_auth_user_id" not in client.session and signed_in.status_code == 200


def test_her_other_sessions_end_too(client, full_record):
    hana, _, _ = full_record()
    client.force_login(hana)
    assert client.get("/my/data/").status_code == 200
    anonymise(hana, admin(), Anonymisation.Reason.ADMINISTRATOR)
    assert client.get("/my/data/").status_code == 302


def test_an_administrator_anonymises_from_the_admin_and_twice_is_refused_plainly(client, full_record):
    hana, _, _ = full_record()
    client.force_login(admin())
    url = reverse("privacy_admin:anonymise", args=[hana.pk])
    assert "This cannot be undone" in client.get(url).content.decode()
    assert client.post(url, {}).status_code == 200
    assert not Anonymisation.objects.filter(user=hana).exists()

    first = client.post(url, {"confirm": "on"}, follow=True)
    assert f"Account {hana.pk} has been anonymised" in first.content.decode()
    hana.refresh_from_db()
    email = hana.email
    again = client.post(url, {"confirm": "on"}, follow=True)
    assert f"Account {hana.pk} was already anonymised: nothing was changed" in again.content.decode()
    assert "already been anonymised" in client.get(url).content.decode()
    hana.refresh_from_db()
    assert hana.email == email
    assert ModelLogEntry.objects.filter(object_id=str(hana.pk), action=audit.ANONYMISED).count() == 1


def test_an_administrator_cannot_anonymise_themselves(client):
    me = admin()
    client.force_login(me)
    url = reverse("privacy_admin:anonymise", args=[me.pk])
    assert "You cannot anonymise your own account" in client.get(url).content.decode()
    assert client.post(url, {"confirm": "on"}).status_code in (302, 403)
    assert not Anonymisation.objects.filter(user=me).exists()


def test_refusing_to_delete_points_to_anonymising(client, full_record):
    hana, _, _ = full_record()
    client.force_login(admin())
    response = client.get(reverse("wagtailusers_users:delete", args=[hana.pk]), follow=True)
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one(f".messages a[href='{reverse('privacy_admin:anonymise', args=[hana.pk])}']")
    assert get_user_model().objects.filter(pk=hana.pk).exists()
