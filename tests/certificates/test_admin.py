"""The certificates admin is Wagtail's listing: every certificate reachable a page at a time
(no cap), searched by code, filtered by status, exported in full, and each revocation and
re-issue written to Wagtail's audit log and shown on the certificate's history page."""

import csv
import io

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import ModelLogEntry

from certificates.codes import new_code
from certificates.models import Certificate
from courses.models import Completion

pytestmark = pytest.mark.django_db

INDEX = "/admin/certificates/"


@pytest.fixture(autouse=True)
def _clear_rate_limit():
    cache.clear()


@pytest.fixture
def admin_client(client):
    client.force_login(get_user_model().objects.get(username="admin@example.org"))
    return client


@pytest.fixture
def many_certificates():
    """Over 200 certificates (the old listing's cap), made in bulk from synthetic completions."""
    call_command("seed_scale", staff=450, remove=True, stdout=io.StringIO())
    completions = Completion.objects.filter(learner__username__startswith="scale.", certificate__isnull=True)
    Certificate.objects.bulk_create(
        Certificate(
            completion=c,
            code=new_code(),
            holder_name=f"Scale {c.learner_id}",
            course_title=c.course_title,
            agency_name=c.agency_name,
            completed_on=timezone.localtime(c.completed_at).date(),
            expires_on=c.expires_on,
        )
        for c in completions
    )
    assert Certificate.objects.count() > 200
    return Certificate.objects.count()


def codes_on(response):
    assert response.status_code == 200
    rows = BeautifulSoup(response.content, "html.parser").select("table tbody tr")
    return [row.select_one("td a").get_text(strip=True) for row in rows]


def test_every_certificate_is_reached_a_page_at_a_time(admin_client, many_certificates):
    seen, page = [], 1
    while True:
        codes = codes_on(admin_client.get(INDEX, {"p": page}))
        assert len(codes) <= 50
        seen += codes
        if len(codes) < 50:
            break
        page += 1
    assert page > 4
    assert len(seen) == len(set(seen)) == many_certificates
    newest = Certificate.objects.order_by("-issued_at", "-pk").first()
    assert seen[0] == newest.display_code


def test_search_finds_a_certificate_by_its_code_as_typed(admin_client, many_certificates):
    certificate = Certificate.objects.order_by("pk")[100]
    typed = certificate.display_code.lower().replace("-", " ")
    assert codes_on(admin_client.get(INDEX, {"q": typed})) == [certificate.display_code]
    by_name = codes_on(admin_client.get(INDEX, {"q": certificate.holder_name}))
    assert certificate.display_code in by_name


def test_the_status_filter_and_the_full_export(admin_client, many_certificates):
    revoked = Certificate.objects.order_by("pk")[3]
    Certificate.objects.filter(pk=revoked.pk).update(
        revoked_at=timezone.now(), revoked_reason="Completed in error"
    )
    assert codes_on(admin_client.get(INDEX, {"status": "revoked"})) == [revoked.display_code]
    valid = codes_on(admin_client.get(INDEX, {"status": "valid"}))
    assert revoked.display_code not in valid and valid

    export = admin_client.get(INDEX, {"export": "csv"})
    assert export.status_code == 200
    content = b"".join(export.streaming_content) if export.streaming else export.content
    headings, *rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert headings[:3] == ["Code", "Holder", "Course"] and "Status" in headings
    assert len(rows) == many_certificates  # no cap
    row = next(r for r in rows if r[0] == revoked.display_code)
    assert row[headings.index("Status")] == "revoked"
    assert row[headings.index("Reason revoked")] == "Completed in error"


def test_revocation_and_reissue_are_in_the_audit_log_and_on_the_history_page(admin_client, complete):
    certificate = complete().certificate
    admin = get_user_model().objects.get(username="admin@example.org")
    detail = f"{INDEX}{certificate.pk}/"
    assert admin_client.post(f"{detail}revoke/", {"reason": "Completed in error"}).status_code == 302
    assert admin_client.post(detail, {"note": "Revoked in error"}).status_code == 302

    entries = ModelLogEntry.objects.filter(object_id=str(certificate.pk)).order_by("timestamp", "pk")
    assert [(e.action, e.user) for e in entries] == [
        ("certificates.revoke", admin),
        ("certificates.reissue", admin),
    ]
    assert entries[0].data == {"reason": "Completed in error"}
    assert entries[1].data == {"note": "Revoked in error"}

    page = BeautifulSoup(admin_client.get(detail).content, "html.parser")
    history_url = page.find("a", string="Audit log")["href"]
    history = admin_client.get(history_url)
    assert history.status_code == 200
    text = BeautifulSoup(history.content, "html.parser").get_text(" ", strip=True)
    assert "Revoked the certificate" in text and "Re-issued the certificate" in text


def test_only_people_who_may_change_certificates_see_the_menu_and_the_pages(client, complete):
    certificate = complete().certificate
    urls = [INDEX, f"{INDEX}results/", f"{INDEX}{certificate.pk}/", f"{INDEX}{certificate.pk}/history/"]
    client.force_login(get_user_model().objects.get(username="editor@example.org"))
    assert all(client.get(url).status_code in (302, 403) for url in urls)
    assert INDEX not in client.get("/admin/").content.decode()  # the menu (sidebar data)
    client.force_login(get_user_model().objects.get(username="admin@example.org"))
    assert all(client.get(url).status_code == 200 for url in urls)
    assert INDEX in client.get("/admin/").content.decode()
