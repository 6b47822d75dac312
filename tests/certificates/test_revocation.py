"""Revoking a certificate: asked to confirm, recorded with who did it, and read as "Revoked"
everywhere the certificate appears (My learning, the lead's staff record and certificate
list, the public check, and the PDF an administrator can still download)."""

import io

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from pypdf import PdfReader
from wagtail.models import ModelLogEntry

from certificates.models import Certificate
from tests.certificates.test_access import lead_of

pytestmark = pytest.mark.django_db

REASON = "Completed on a colleague's account"


@pytest.fixture(autouse=True)
def _clear_rate_limit():
    cache.clear()


@pytest.fixture
def admin():
    return get_user_model().objects.get(username="admin@example.org")


def text_of(response):
    return BeautifulSoup(response.content, "html.parser").select_one("main").get_text(" ", strip=True)


def pdf_text(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == 1
    return " ".join(reader.pages[0].extract_text().split())


def revoke(admin, certificate, reason=REASON):
    client = Client()  # the administrator's own browser: her messages stay there
    client.force_login(admin)
    return client.post(f"/admin/certificates/{certificate.pk}/revoke/", {"reason": reason})


def test_revoking_asks_for_confirmation_then_records_who_and_when(client, complete, admin):
    certificate = complete().certificate
    client.force_login(admin)
    url = f"/admin/certificates/{certificate.pk}/revoke/"
    confirm = client.get(url)
    assert confirm.status_code == 200
    page = BeautifulSoup(confirm.content, "html.parser")
    assert page.select_one(f'form[action="{url}"] textarea[name="reason"]') is not None
    assert certificate.display_code in page.get_text()
    assert Certificate.objects.get(pk=certificate.pk).revoked_at is None  # looking changes nothing

    assert client.post(url, {"reason": "  "}).status_code == 200  # a reason is required
    assert Certificate.objects.get(pk=certificate.pk).revoked_at is None

    response = client.post(url, {"reason": REASON})
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None and certificate.revoked_reason == REASON
    assert certificate.revoked_by == admin
    entry = ModelLogEntry.objects.get(action="certificates.revoke", object_id=str(certificate.pk))
    assert entry.user == admin and entry.data["reason"] == REASON
    detail = text_of(client.get(f"/admin/certificates/{certificate.pk}/"))
    assert "Revoked" in detail and REASON in detail and "admin@example.org" in detail

    assert client.post(url, {"reason": "A second reason"}).status_code == 302  # already revoked
    certificate.refresh_from_db()
    assert certificate.revoked_reason == REASON


def test_the_learner_sees_revoked_with_the_reason_and_no_download(client, complete, admin):
    completion = complete()
    certificate = completion.certificate
    revoke(admin, certificate)
    client.force_login(completion.learner)
    text = text_of(client.get("/my/"))
    assert "Revoked" in text and REASON in text
    assert "valid until" not in text.lower()
    assert f"/my/certificates/{certificate.pk}/pdf/" not in client.get("/my/").content.decode()
    assert client.get(f"/my/certificates/{certificate.pk}/pdf/").status_code == 404


def test_her_lead_sees_revoked_with_the_reason_and_no_download(client, complete, admin):
    completion = complete()
    certificate = completion.certificate
    revoke(admin, certificate)
    client.force_login(lead_of("housing"))
    record = client.get(f"/leads/reports/staff/{completion.learner_id}/")
    text = text_of(record)
    assert "Revoked" in text and REASON in text
    assert f"/leads/certificates/{certificate.pk}/pdf/" not in record.content.decode()
    assert client.get(f"/leads/certificates/{certificate.pk}/pdf/").status_code == 404
    listing = client.get("/leads/certificates/")
    row = next(
        tr
        for tr in BeautifulSoup(listing.content, "html.parser").select("tbody tr")
        if certificate.holder_name in tr.get_text()
    )
    assert "Revoked" in row.get_text() and REASON in row.get_text() and not row.select("a")
    archive = client.get("/leads/certificates/download.zip").getvalue()
    assert certificate.display_code.encode() not in archive


def test_the_public_check_says_revoked(client, complete, admin):
    certificate = complete().certificate
    revoke(admin, certificate)
    client.logout()
    text = text_of(client.get(f"/certificates/verify/{certificate.code}/"))
    assert "Revoked certificate" in text and "Valid until" not in text


def test_an_administrator_downloads_the_pdf_marked_revoked_and_reissue_clears_the_mark(
    client, complete, admin
):
    certificate = complete().certificate
    client.force_login(admin)
    url = f"/admin/certificates/{certificate.pk}/pdf/"
    assert "REVOKED" not in pdf_text(client.get(url))
    revoke(admin, certificate)
    revoked = pdf_text(client.get(url))
    assert "REVOKED" in revoked and REASON in revoked
    assert "Valid until" not in revoked

    response = client.post(
        f"/admin/certificates/{certificate.pk}/", {"action": "reissue", "note": "Revoked in error"}
    )
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.revoked_at is None and certificate.status() == "valid"
    assert "REVOKED" not in pdf_text(client.get(url))
    assert ModelLogEntry.objects.filter(action="certificates.reissue", object_id=str(certificate.pk)).exists()


def test_people_without_the_permission_cannot_revoke_or_download_from_the_admin(client, complete):
    completion = complete()
    certificate = completion.certificate
    for user in [get_user_model().objects.get(username="editor@example.org"), completion.learner]:
        client.force_login(user)
        assert client.get(f"/admin/certificates/{certificate.pk}/pdf/").status_code in (302, 403)
        refused = client.post(f"/admin/certificates/{certificate.pk}/revoke/", {"reason": "x"})
        assert refused.status_code in (302, 403)
    assert Certificate.objects.get(pk=certificate.pk).revoked_at is None
