"""Every lead-facing page, export, PDF and API response (generated from the URL
configuration, as in test_scoping) tells browsers and proxies not to keep a copy:
`Cache-Control: no-store`. A new URL under these prefixes is tested without anyone having to
remember to."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from wagtail.models import APIToken

from cms.models import Agency
from courses.models import AgencyLead, Download, PartnershipManager
from tests.factories import make_learner
from tests.test_scoping import fill, scoped_routes
from workforce.models import StaffListUpload

pytestmark = pytest.mark.django_db


def test_every_report_url_and_export_is_sent_no_store(client, complete):
    ours = complete(agency="housing")
    manager = make_learner("housing")
    PartnershipManager.objects.create(user=manager)
    AgencyLead.objects.create(user=ours.learner).agencies.add(Agency.objects.get(code="housing"))
    token = APIToken.create_token(user=manager, name="no-store")[1]
    upload = StaffListUpload.objects.create(agency=ours.agency, file_name="housing.csv", rows=[])
    ids = {"pk": ours.certificate.pk, "user_id": ours.learner_id, "agency": "housing", "upload_id": upload.pk}
    made = Download.objects.create(
        user=manager,
        kind="training-staff",
        title="Staff",
        filename="staff.csv",
        rows=1,
        status="ready",
        file=default_storage.save("downloads/no-store-staff.csv", ContentFile(b"Name\n")),
    )
    checked = []
    for route in scoped_routes():
        url = fill(route, {**ids, "pk": made.pk} if route.startswith("leads/downloads/") else ids)
        # The learner's own certificate is hers; everything else the manager may open.
        client.force_login(ours.learner if route.startswith("my/") else manager)
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if route.startswith("api/") else {}
        for params in (
            {"period": "this_year"},
            {"period": "this_year", "export": "csv"},
            {"period": "this_year", "export": "xlsx", "table": "staff"},
            {"period": "custom", "from": "2026-01-01", "to": "9999-12-31"},  # the 400 page too
        ):
            response = client.get(url, params, **headers)
            assert response.status_code in (200, 400), (url, params, response.status_code)
            assert "no-store" in response.get("Cache-Control", ""), (url, params)
            checked.append(url)
    assert {
        "/leads/reports/",
        "/leads/reports/board-pack.pdf",
        "/leads/workforce/housing/upload/",
        "/leads/reports/staff-progress/",
        "/api/v1/confidence",
    } <= set(checked)
