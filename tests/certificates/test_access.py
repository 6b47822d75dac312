"""Who may download which certificate; the public check; revoking, re-issuing, reminders."""

import io
import zipfile
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader

from certificates.models import Certificate
from courses.models import AgencyLead
from tests.factories import make_learner

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_rate_limit():
    cache.clear()


def lead_of(code, email=None):
    from cms.models import Agency

    user = make_learner(code, email=email)
    AgencyLead.objects.create(user=user).agencies.add(Agency.objects.get(code=code))
    return user


def test_a_learner_downloads_her_own_certificate_and_no_one_elses(client, complete):
    mine, theirs = complete(), complete(agency="police", first_name="Priya")
    client.force_login(mine.learner)
    page = client.get("/my/").content.decode()
    assert f"/my/certificates/{mine.certificate.pk}/pdf/" in page
    response = client.get(f"/my/certificates/{mine.certificate.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert (
        "Holly Harris" in PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages[0].extract_text()
    )
    assert client.get(f"/my/certificates/{theirs.certificate.pk}/pdf/").status_code == 404


def test_a_lead_downloads_her_agencys_certificates_only(client, complete):
    housing, police = complete(agency="housing"), complete(agency="police")
    client.force_login(lead_of("housing"))
    listing = client.get("/leads/certificates/").content.decode()
    assert f"/leads/certificates/{housing.certificate.pk}/pdf/" in listing
    assert f"/leads/certificates/{police.certificate.pk}/pdf/" not in listing
    assert client.get(f"/leads/certificates/{housing.certificate.pk}/pdf/").status_code == 200
    assert client.get(f"/leads/certificates/{police.certificate.pk}/pdf/").status_code == 404


def test_the_zip_holds_the_agencys_certificates_for_the_date_range(client, complete):
    recent, older, other = complete(agency="housing"), complete(agency="housing"), complete(agency="police")
    Certificate.objects.filter(pk=older.certificate.pk).update(
        completed_on=timezone.localdate() - timedelta(days=400)
    )
    client.force_login(lead_of("housing"))
    since = (timezone.localdate() - timedelta(days=30)).isoformat()
    response = client.get("/leads/certificates/download.zip", {"from": since})
    assert response["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.getvalue())).namelist()
    codes = {
        c.display_code
        for c in Certificate.objects.filter(completion__agency__code="housing", completed_on__gte=since)
    }
    assert {n.split("-", 3)[3].removesuffix(".pdf") for n in names} == codes
    assert recent.certificate.display_code in codes
    assert all(
        other.certificate.display_code not in n and older.certificate.display_code not in n for n in names
    )
    bad = client.get("/leads/certificates/", {"from": "not-a-date", "to": "2026-13-45"})
    assert bad.status_code == 200 and b"was not understood" in bad.content


def test_people_who_are_not_leads_get_nothing(client, complete):
    completion = complete()
    client.force_login(make_learner("housing"))
    assert client.get("/leads/certificates/").status_code == 403
    assert client.get("/leads/certificates/download.zip").status_code == 403
    assert client.get(f"/leads/certificates/{completion.certificate.pk}/pdf/").status_code == 403
    client.logout()
    assert client.get("/leads/certificates/").status_code == 302


def verify(client, code):
    return client.get(f"/certificates/verify/{code}/")


def test_verify_shows_status_name_course_and_dates_and_nothing_else(client, complete):
    completion = complete()
    certificate = completion.certificate
    response = verify(client, certificate.display_code)
    assert response.status_code == 200
    text = BeautifulSoup(response.content, "html.parser").select_one("main").get_text(" ", strip=True)
    assert "Valid certificate" in text and "Holly Harris" in text and completion.course_title in text
    assert completion.learner.email not in text
    assert "Housing" not in text  # no agency
    other = complete(agency="police", first_name="Priya").certificate
    assert other.display_code not in text and "Priya" not in text


def test_verify_by_form_scan_url_and_lower_case(client, complete):
    certificate = complete().certificate
    response = client.get("/certificates/verify/", {"code": certificate.display_code.lower()})
    assert response.status_code == 302 and certificate.display_code in response.url
    assert verify(client, certificate.code).status_code == 200  # the QR code's form


def test_verify_expired_and_revoked(client, complete):
    certificate = complete().certificate
    Certificate.objects.filter(pk=certificate.pk).update(expires_on=timezone.localdate() - timedelta(days=1))
    assert b"Expired certificate" in verify(client, certificate.code).content
    Certificate.objects.filter(pk=certificate.pk).update(
        revoked_at=timezone.now(), revoked_reason="Issued in error"
    )
    response = verify(client, certificate.code)
    assert b"Revoked certificate" in response.content
    assert b"Issued in error" not in response.content  # the reason is kept, not published


@pytest.mark.parametrize(
    "code",
    ["K7QM-3XPD-9TRH", "ZZZZ-ZZZZ-ZZZZ", "abc", "<script>alert(1)</script>", "O0O0O0O0O0O0", "x" * 500],
)
def test_unknown_and_malformed_codes_say_no_certificate(client, code):
    response = client.get("/certificates/verify/", {"code": code}, follow=True)
    assert response.status_code == 404
    assert b"No certificate with this code" in response.content
    assert b"<script>alert(1)</script>" not in response.content


def test_verify_is_rate_limited(client, complete):
    certificate = complete().certificate
    statuses = [verify(client, certificate.code).status_code for _ in range(31)]
    assert statuses[:30] == [200] * 30
    assert statuses[30] == 429


def test_revoke_and_reissue_in_the_admin(client, complete):
    completion = complete()
    certificate = completion.certificate
    client.force_login(get_user_model().objects.get(username="admin@example.org"))
    url = f"/admin/certificates/{certificate.pk}/"
    assert client.post(f"{url}revoke/", {"reason": ""}).status_code == 200  # a reason is required
    assert Certificate.objects.get(pk=certificate.pk).revoked_at is None
    get_user_model().objects.filter(pk=completion.learner_id).update(first_name="Hollie")
    response = client.post(url, {"note": "Name corrected"})
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.holder_name == "Hollie Harris" and certificate.code == completion.certificate.code
    note = certificate.notes.get()
    assert "Name corrected" in note.text and "Holly Harris" in note.text
    with certificate.pdf.open("rb") as handle:
        assert "Hollie Harris" in PdfReader(handle).pages[0].extract_text()
    client.post(f"{url}revoke/", {"reason": "Completed in error"})
    certificate.refresh_from_db()
    assert (
        certificate.revoked_reason == "Completed in error"
        and certificate.revoked_by.username == "admin@example.org"
    )
    assert b"Revoked certificate" in verify(client, certificate.code).content
    client.force_login(completion.learner)
    assert client.get(f"/my/certificates/{certificate.pk}/pdf/").status_code == 404


def test_editors_and_learners_cannot_reach_the_certificate_admin(client, complete):
    certificate = complete().certificate
    for username in ["editor@example.org"]:
        client.force_login(get_user_model().objects.get(username=username))
        assert client.get("/admin/certificates/").status_code in (302, 403)
        refused = client.post(f"/admin/certificates/{certificate.pk}/revoke/", {"reason": "x"})
        assert refused.status_code in (302, 403)
    assert Certificate.objects.get(pk=certificate.pk).revoked_at is None


def test_reminders_are_sent_once_per_certificate(complete):
    soon, later = complete().certificate, complete(agency="police").certificate
    Certificate.objects.filter(pk=soon.pk).update(expires_on=timezone.localdate() + timedelta(days=30))
    mail.outbox.clear()
    call_command("send_refresher_reminders", stdout=io.StringIO())
    call_command("send_refresher_reminders", stdout=io.StringIO())
    to_soon = [m for m in mail.outbox if soon.completion.learner.email in m.to]
    assert len(to_soon) == 1
    assert "refresher" in to_soon[0].subject.lower()
    assert not [m for m in mail.outbox if later.completion.learner.email in m.to]
