"""Downloads stream in flat memory, and large ones are made in the background for their maker
only (courses.exports, courses.downloads): each file is read back with a real reader and
checked against the raw records."""

import csv
import io
import os
import zipfile
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.http import FileResponse, StreamingHttpResponse
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader
from wagtail import hooks
from wagtail.models import ModelLogEntry

from cms.models import Agency
from courses import downloads
from courses.exports import Prepared
from courses.models import AgencyLead, Download, LearnerProfile
from privacy import audit
from tests.export_reading import body, read_export
from tests.factories import make_learner

pytestmark = pytest.mark.django_db

REPORT = "/leads/reports/"
STAFF = {"period": "this_year", "table": "staff"}
MINE = "/leads/downloads/"


def lead_of(code):
    lead = make_learner(code, job_role="manager")
    AgencyLead.objects.create(user=lead).agencies.add(Agency.objects.get(code=code))
    return lead


def housing_staff_emails():
    """The raw records: every housing profile's email, in the list's order (by name)."""
    profiles = LearnerProfile.objects.filter(agency__code="housing")
    return list(
        profiles.order_by("user__last_name", "user__first_name", "pk").values_list("user__email", flat=True)
    )


def emails_in(table):
    headings, *rows = table
    return [row[headings.index("Email")] for row in rows]


def exported_ids(what):
    entries = ModelLogEntry.objects.filter(action=audit.EXPORTED, data__what=what)
    return {int(entry.object_id) for entry in entries}


@pytest.fixture(autouse=True)
def _own_media(settings, tmp_path):
    """Files stored in this test only, so that what it finds in the downloads folder is its own."""
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def lead():
    return lead_of("housing")


def test_the_staff_csv_streams_and_lists_every_member_of_staff(client, lead):
    make_learner("housing", first_name="=Eve", last_name="Formula")
    client.force_login(lead)
    response = client.get(REPORT, {**STAFF, "export": "csv"})
    assert isinstance(response, StreamingHttpResponse)
    export = read_export(response)
    assert emails_in(export["tables"]["Your staff"]) == housing_staff_emails()
    assert export["about"]["Report"] == "Training numbers: your staff"
    names = [row[0] for row in export["tables"]["Your staff"][1:]]
    assert "'=Eve Formula" in names  # still neutralised
    ids = set(LearnerProfile.objects.filter(agency__code="housing").values_list("user_id", flat=True))
    assert exported_ids("Training numbers: your staff, CSV") == ids


def test_the_staff_xlsx_is_written_write_only_to_a_file_that_is_sent(client, lead):
    client.force_login(lead)
    response = client.get(REPORT, {**STAFF, "export": "xlsx"})
    assert isinstance(response, FileResponse)
    sheet = load_workbook(io.BytesIO(body(response))).worksheets[0]
    assert sheet.title == "Report"
    assert emails_in(read_export(response)["tables"]["Your staff"]) == housing_staff_emails()


@pytest.mark.parametrize(
    "url, params",
    [
        (REPORT, {**STAFF, "export": "csv"}),
        (REPORT, {"table": "refreshers", "export": "csv"}),
        ("/leads/reports/staff-progress/", {"export": "csv"}),
        ("/leads/reports/coverage/", {"export": "csv", "table": "not-covered", "period": "this_year"}),
    ],
)
def test_a_streamed_list_costs_the_same_queries_however_many_people(client, lead, url, params):
    client.force_login(lead)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, params)
            assert response.status_code == 200 and response.streaming
            body(response)
        return len(captured)

    client.get(url, params)  # content types and sessions cached, as in any later request
    before = queries()
    for number in range(6):
        make_learner("housing", first_name=f"Extra{number}")
    assert queries() == before


@override_settings(EXPORT_BACKGROUND_ROWS=1)
def test_a_large_list_is_made_in_the_background_for_its_maker_only(client, lead):
    client.force_login(lead)
    response = client.get(REPORT, {**STAFF, "export": "xlsx"})
    assert response.status_code == 302 and response.url == MINE
    made = Download.objects.get(user=lead)
    assert made.status == Download.Status.READY and made.rows == len(housing_staff_emails())
    assert default_storage.exists(made.file.name) and made.size == default_storage.size(made.file.name)
    page = client.get(MINE).content.decode()
    assert "being made for you" in page and f"{MINE}{made.pk}/" in page
    file = client.get(f"{MINE}{made.pk}/")
    assert isinstance(file, FileResponse) and made.filename in file["Content-Disposition"]
    assert emails_in(read_export(file)["tables"]["Your staff"]) == housing_staff_emails()
    ids = set(LearnerProfile.objects.filter(agency__code="housing").values_list("user_id", flat=True))
    assert exported_ids("Training numbers: your staff, XLSX") == ids

    other = lead_of("housing")  # even a lead of the same agency
    client.force_login(other)
    assert client.get(f"{MINE}{made.pk}/").status_code == 404
    assert made.filename not in client.get(MINE).content.decode()
    client.force_login(make_learner("housing"))
    assert client.get(f"{MINE}{made.pk}/").status_code == 403


def test_your_downloads_is_a_tab_of_the_reports_and_knows_it_is_the_current_one(client, lead):
    from bs4 import BeautifulSoup

    client.force_login(lead)
    report = BeautifulSoup(client.get(REPORT).content, "html.parser")
    assert report.select_one(f'nav.report-nav a[href="{MINE}"]').get_text() == "Your downloads"
    mine = BeautifulSoup(client.get(MINE).content, "html.parser")
    assert mine.select_one('nav.report-nav a[aria-current="page"]')["href"] == MINE
    assert mine.select_one("table.table--stack") is not None  # cells stack on a phone


@override_settings(EXPORT_BACKGROUND_ROWS=1)
def test_a_background_csv_of_staff_progress_lists_the_same_people_as_the_page_would(client, lead):
    client.force_login(lead)
    sent = client.get("/leads/reports/staff-progress/", {"export": "csv"})
    assert sent.status_code == 302
    made = Download.objects.get(user=lead, kind="staff-progress")
    with default_storage.open(made.file.name, "rb") as stored:
        rows = list(csv.reader(io.StringIO(stored.read().decode())))
    headings = next(row for row in rows if "Work email" in row)
    listed = {row[headings.index("Work email")].lower() for row in rows[rows.index(headings) + 1 :]}
    with override_settings(EXPORT_BACKGROUND_ROWS=100_000):
        at_once = read_export(client.get("/leads/reports/staff-progress/", {"export": "csv"}))
    headings_now, *now = at_once["tables"]["Staff progress"]
    assert listed == {row[headings_now.index("Work email")].lower() for row in now} and listed


def test_bad_filters_and_another_agency_are_refused_and_nothing_is_made(client, lead):
    client.force_login(lead)
    with override_settings(EXPORT_BACKGROUND_ROWS=0):
        period = client.get(REPORT, {**STAFF, "export": "csv", "period": "custom", "from": "2026-13-40"})
        theirs = client.get("/leads/reports/staff-progress/", {"export": "csv", "agency": "police"})
        kind = client.get(REPORT, {**STAFF, "export": "pdf"})
    assert period.status_code == 400 and theirs.status_code == 400
    assert "Choose one of your agencies" in theirs.content.decode()
    assert kind.status_code == 200 and not kind.streaming  # an unknown kind is the page
    assert not Download.objects.exists()


def test_a_download_its_maker_may_no_longer_have_fails_clearly_with_no_file(lead):
    made = Download.objects.create(
        user=lead,
        kind="training-staff",
        params="period=this_year&table=staff&export=csv",
        title="Training numbers: your staff, CSV",
        filename="staff.csv",
        rows=10,
    )
    AgencyLead.objects.filter(user=lead).delete()
    downloads.make_download.enqueue(made.pk)
    made.refresh_from_db()
    assert (
        made.status == Download.Status.FAILED and made.error == "You no longer have access to these records."
    )
    assert not made.file and not stored_downloads()
    unknown = Download.objects.create(user=lead, kind="nonsense", title="?", filename="x.csv", rows=1)
    downloads.make_download.enqueue(unknown.pk)
    unknown.refresh_from_db()
    assert unknown.status == Download.Status.FAILED and "no longer offered" in unknown.error


def stored_downloads():
    try:
        return default_storage.listdir(downloads.FOLDER)[1]
    except FileNotFoundError:
        return []


def test_a_crash_half_way_leaves_no_file_and_a_failed_status(client, lead):
    def write(file):
        file.write(b"Name,Email\r\nHalf,written\r\n")
        raise RuntimeError("the database went away")

    def broken():
        return downloads.Export("broken", lambda request: Prepared("Broken, CSV", "broken.csv", 5, write))

    made = Download.objects.create(
        user=lead, kind="broken", title="Broken, CSV", filename="broken.csv", rows=5
    )
    with hooks.register_temporarily(downloads.HOOK, broken):
        downloads.make_download.enqueue(made.pk)
    made.refresh_from_db()
    assert made.status == Download.Status.FAILED and made.finished_at
    assert "Something went wrong" in made.error and not made.file
    assert not stored_downloads()
    client.force_login(lead)
    assert "Failed" in client.get(MINE).content.decode()
    assert client.get(f"{MINE}{made.pk}/").status_code == 404


@override_settings(EXPORT_BACKGROUND_CERTIFICATES=0)
def test_the_certificate_zip_is_made_in_the_background_with_every_pdf(client, complete):
    mine = [complete(agency="housing", first_name="Zip", last_name=f"Holder{n}") for n in range(2)]
    complete(agency="police", first_name="Not", last_name="Ours")
    lead = lead_of("housing")
    client.force_login(lead)
    assert client.get("/leads/certificates/download.zip").url == MINE
    made = Download.objects.get(user=lead, kind="certificates-zip")
    archive = zipfile.ZipFile(io.BytesIO(body(client.get(f"{MINE}{made.pk}/"))))
    texts = [
        " ".join(PdfReader(io.BytesIO(archive.read(name))).pages[0].extract_text().split())
        for name in archive.namelist()
    ]
    from certificates.models import Certificate

    housing = Certificate.objects.filter(completion__agency__code="housing", revoked_at__isnull=True)
    assert made.rows == housing.count() == len(texts)
    for completion in mine:
        assert sum(completion.certificate.display_code in text for text in texts) == 1
    assert not any("Not Ours" in text for text in texts)
    holders = set(housing.values_list("completion__learner_id", flat=True))
    assert exported_ids("Certificates, ZIP") == holders


def test_expired_downloads_and_stray_files_are_removed_and_running_again_removes_nothing(lead):
    now = timezone.now()

    def made(hours_ago, name):
        saved = default_storage.save(f"downloads/{name}", ContentFile(b"Name\r\n"))
        return Download.objects.create(
            user=lead,
            kind="training-staff",
            title=name,
            filename=name,
            rows=1,
            status="ready",
            file=saved,
            created_at=now - timedelta(hours=hours_ago),
        )

    old, fresh = made(25, "old.csv"), made(1, "fresh.csv")
    stray = default_storage.save("downloads/stray.csv", ContentFile(b"left by a killed worker"))
    out = io.StringIO()
    with override_settings(DOWNLOADS_KEPT_HOURS=24):
        day_ago = (now - timedelta(hours=30)).timestamp()
        os.utime(default_storage.path(stray), (day_ago, day_ago))
        call_command("remove_expired_downloads", stdout=out)
        assert "Removed 1 download older than 24 hours and 1 file no download names." in out.getvalue()
        assert not Download.objects.filter(pk=old.pk).exists() and not default_storage.exists(old.file.name)
        assert not default_storage.exists(stray)
        assert Download.objects.filter(pk=fresh.pk).exists() and default_storage.exists(fresh.file.name)
        again = io.StringIO()
        call_command("remove_expired_downloads", stdout=again)
    assert "Removed 0 downloads older than 24 hours and 0 files" in again.getvalue()
    assert stored_downloads() == [fresh.file.name.split("/")[-1]]
