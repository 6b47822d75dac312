"""The address printed on a certificate (its link and QR code) is the site's, as set in
Settings › Sites, never a development default; a PDF made under an old address is made
again; and the deployment check refuses a loopback address."""

import io
from pathlib import Path

import pytest
import segno
from django.conf import settings
from django.core.checks import run_checks
from PIL import Image
from pypdf import PdfReader
from wagtail.models import Site

from certificates.models import Certificate

pytestmark = pytest.mark.django_db


def set_address(hostname, port):
    Site.objects.filter(is_default_site=True).update(hostname=hostname, port=port)


def download(client, certificate):
    client.force_login(certificate.completion.learner)
    response = client.get(f"/my/certificates/{certificate.pk}/pdf/")
    assert response.status_code == 200
    return PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages[0]


def printed(page):
    return " ".join(page.extract_text().split())


def qr_matches(page, url):
    expected = io.BytesIO()
    segno.make(url, error="m").save(expected, kind="png", scale=5, border=2)
    return page.images[0].image.convert("L").tobytes() == Image.open(expected).convert("L").tobytes()


def files_of(certificate):
    return sorted(Path(settings.MEDIA_ROOT, "certificates").glob(f"{certificate.code}-*.pdf"))


def test_the_printed_link_and_qr_code_follow_the_sites_address(client, complete):
    set_address("training.example.org", 443)
    certificate = complete().certificate
    link = f"https://training.example.org/certificates/verify/{certificate.code}/"
    page = download(client, certificate)
    assert link in printed(page) and "127.0.0.1" not in printed(page)
    assert qr_matches(page, link)
    assert Certificate.objects.get(pk=certificate.pk).pdf_address == "https://training.example.org"

    set_address("learning.example.org", 8443)  # the partnership moved its site
    moved = f"http://learning.example.org:8443/certificates/verify/{certificate.code}/"
    page = download(client, certificate)
    assert moved in printed(page) and "training.example.org" not in printed(page)
    assert qr_matches(page, moved)
    assert Certificate.objects.get(pk=certificate.pk).pdf_address == "http://learning.example.org:8443"
    assert len(files_of(certificate)) == 1  # the PDF with the old address is gone


def test_a_pdf_made_under_the_current_address_is_not_made_again(client, complete):
    set_address("training.example.org", 443)
    certificate = complete().certificate
    download(client, certificate)
    first = Certificate.objects.get(pk=certificate.pk).pdf.name
    download(client, certificate)
    assert Certificate.objects.get(pk=certificate.pk).pdf.name == first


def address_errors():
    return [m for m in run_checks(include_deployment_checks=True) if m.id == "certificates.E001"]


def test_the_deployment_check_refuses_a_loopback_or_local_address():
    # migrate leaves Wagtail's default site at http://localhost, and nothing sets it after.
    for hostname, port in [("localhost", 80), ("127.0.0.1", 8000), ("app.localhost", 80), ("[::1]", 80)]:
        set_address(hostname, port)
        errors = address_errors()
        assert len(errors) == 1, hostname
        assert "Settings › Sites" in errors[0].hint
    set_address("training.example.org", 443)
    assert address_errors() == []


def test_the_address_check_is_a_deployment_check_only():
    set_address("localhost", 80)
    assert not [m for m in run_checks() if m.id == "certificates.E001"]


def test_production_check_deploy_reports_the_address_left_by_migrate():
    """`check --deploy` under the production settings, on this suite's database as migrate
    and load_content left it (PostgreSQL, where another process can read it)."""
    from django.db import connection

    from tests.cms.test_settings import PRODUCTION_ENV, run_manage

    if connection.vendor != "postgresql":
        pytest.skip("another process can read the test database only on PostgreSQL")
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    result = run_manage("check", "--deploy", env={**PRODUCTION_ENV, "DATABASE_URL": url})
    assert result.returncode != 0
    assert "certificates.E001" in result.stderr and "http://localhost" in result.stderr


def test_production_refuses_to_start_without_the_admin_address():
    from tests.cms.test_settings import PRODUCTION_ENV, run_manage

    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "WAGTAILADMIN_BASE_URL"}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "WAGTAILADMIN_BASE_URL" in result.stderr
