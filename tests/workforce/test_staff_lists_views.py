"""A lead's workforce pages: scoped to her agencies, bad files refused with the rows to fix and
nothing written, the preview and apply through the pages, the headcount form, the templates
read back, and the index's queries flat as the list grows."""

import csv
import io

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from cms.models import Agency
from courses.models import AgencyLead, JobRole, PartnershipManager
from tests.factories import make_learner
from workforce.models import Headcount, StaffListEntry, StaffListUpload

pytestmark = pytest.mark.django_db

HEADINGS = "Work email,Name,Job role,Team\r\n"
INDEX = reverse("workforce:index")


def lead_for(*codes):
    user = make_learner(codes[0], job_role="manager")
    AgencyLead.objects.create(user=user).agencies.add(*Agency.objects.filter(code__in=codes))
    return user


@pytest.fixture
def lead(client):
    StaffListEntry.objects.filter(agency__code__in=["probation", "yos"]).delete()
    user = lead_for("probation")
    client.force_login(user)
    return user


def upload_url(code="probation"):
    return reverse("workforce:upload", args=[code])


def send(client, text, code="probation", name="staff.csv"):
    return client.post(upload_url(code), {"file": SimpleUploadedFile(name, text.encode())})


def summary(response):
    soup = BeautifulSoup(response.content, "html.parser")
    return [li.get_text(" ", strip=True) for li in soup.select(".error-summary li")]


def test_anyone_not_a_lead_is_refused(client):
    client.force_login(make_learner("probation"))
    for url in [
        INDEX,
        reverse("workforce:template", args=["csv"]),
        upload_url(),
        reverse("workforce:headcount", args=["probation"]),
    ]:
        assert client.get(url).status_code == 403
    assert send(client, HEADINGS + "a@example.org,A,Nurse,\r\n").status_code == 403
    assert not StaffListUpload.objects.filter(file_name="staff.csv").exists()


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get(INDEX)
    assert response.status_code == 302 and "sign-in" in response["Location"]


def test_another_agencys_pages_are_not_found_and_nothing_is_written(client, lead):
    other = make_learner("yos")
    assert client.get(upload_url("yos")).status_code == 404
    assert send(client, HEADINGS + "a@example.org,A,Nurse,\r\n", code="yos").status_code == 404
    assert client.post(reverse("workforce:headcount", args=["yos"]), {"nurse": "5"}).status_code == 404
    foreign = StaffListUpload.objects.create(
        agency=Agency.objects.get(code="yos"), uploaded_by=other, file_name="yos.csv", rows=[]
    )
    for code in ["probation", "yos"]:
        url = reverse("workforce:preview", args=[code, foreign.pk])
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    assert not StaffListEntry.objects.filter(agency__code="yos").exists()
    assert not Headcount.objects.filter(agency__code="yos").exists()
    assert StaffListUpload.objects.get(pk=foreign.pk).status == StaffListUpload.Status.PREVIEWED
    assert not StaffListUpload.objects.filter(uploaded_by=lead).exists()


def test_a_bad_file_lists_the_rows_to_fix_and_writes_nothing(client, lead):
    response = send(
        client, HEADINGS + "a@example.org,Ann,Nurse,\r\nnot-an-email,Bo,Nurse,\r\nc@example.org,Cy,Pilot,\r\n"
    )
    assert response.status_code == 200
    assert summary(response) == [
        "Row 3, Work email: enter an email address like name@example.org (not “not-an-email”).",
        "Row 4, Job role: “Pilot” is not one of the job roles in the template.",
        "The file has 2 problems: nothing was saved. Fix them and upload it again",
    ]
    assert BeautifulSoup(response.content, "html.parser").title.text.startswith("Error:")
    assert not StaffListUpload.objects.filter(uploaded_by=lead).exists()
    assert not StaffListEntry.objects.filter(agency__code="probation").exists()


def test_only_the_first_hundred_problems_are_shown_with_how_many_more(client, lead):
    lines = "".join(f"bad{n},Ann,Nurse,\r\n" for n in range(130))
    shown = summary(send(client, HEADINGS + lines))
    assert len(shown) == 102
    assert shown[0].startswith("Row 2, Work email") and shown[99].startswith("Row 101, Work email")
    assert shown[100] == "And 30 more problems: fix these and upload again."
    assert not StaffListUpload.objects.filter(uploaded_by=lead).exists()


def test_no_file_is_a_form_error(client, lead):
    response = client.post(upload_url(), {})
    assert summary(response) == ["Choose a CSV or Excel (XLSX) file to upload"]


def test_upload_preview_apply_and_the_index(client, lead):
    make_learner("probation", email="Known@Example.org")
    response = send(
        client,
        HEADINGS
        + "known@example.org,Kim Known,Probation officer,North\r\nnew@example.org,Ned New,manager,\r\n",
    )
    upload = StaffListUpload.objects.get(uploaded_by=lead)
    assert response["Location"] == reverse("workforce:preview", args=["probation", upload.pk])
    assert upload.status == StaffListUpload.Status.PREVIEWED and len(upload.rows) == 2
    assert not StaffListEntry.objects.filter(agency__code="probation").exists()

    page = BeautifulSoup(client.get(response["Location"]).content, "html.parser")
    figures = {f["data-figure"]: f.text for f in page.select("[data-figure]")}
    assert figures == {"joined": "2", "left": "0", "changed": "0", "unchanged": "0", "not_registered": "1"}
    assert "Ned New" in page.get_text()

    response = client.post(reverse("workforce:preview", args=["probation", upload.pk]))
    assert response["Location"] == INDEX
    assert set(StaffListEntry.objects.filter(agency__code="probation").values_list("email", "job_role")) == {
        ("known@example.org", "probation"),
        ("new@example.org", "manager"),
    }
    # The same request again changes nothing and says so.
    StaffListEntry.objects.filter(email="new@example.org").update(name="Edited")
    response = client.post(reverse("workforce:preview", args=["probation", upload.pk]), follow=True)
    assert "was applied already" in response.content.decode()
    assert StaffListEntry.objects.get(email="new@example.org").name == "Edited"

    text = " ".join(BeautifulSoup(client.get(INDEX).content, "html.parser").get_text().split())
    assert "staff list of 2 people, uploaded on" in text
    assert "1 of them is not registered" in text
    page = BeautifulSoup(client.get(INDEX).content, "html.parser")
    assert [h.text for h in page.select("section h2")] == [Agency.objects.get(code="probation").name]


def test_the_manager_sees_every_agency(client):
    manager = make_learner("probation", job_role="manager")
    PartnershipManager.objects.create(user=manager)
    client.force_login(manager)
    page = BeautifulSoup(client.get(INDEX).content, "html.parser")
    assert {h.text for h in page.select("section h2")} == set(Agency.objects.values_list("name", flat=True))


def test_the_headcount_is_saved_and_shown(client, lead):
    url = reverse("workforce:headcount", args=["probation"])
    response = client.post(url, {"probation": "40", "manager": "3", "nurse": "0", "volunteer": ""})
    assert response["Location"] == INDEX
    assert set(Headcount.objects.filter(agency__code="probation").values_list("job_role", "staff")) == {
        ("probation", 40),
        ("manager", 3),
    }
    client.post(url, {"probation": "35"})
    assert set(Headcount.objects.filter(agency__code="probation").values_list("job_role", "staff")) == {
        ("probation", 35)
    }
    text = " ".join(BeautifulSoup(client.get(INDEX).content, "html.parser").get_text().split())
    assert "headcount of 35 staff" in text
    client.post(url, {"probation": "12000", "manager": "450"})
    text = " ".join(BeautifulSoup(client.get(INDEX).content, "html.parser").get_text().split())
    assert "headcount of 12,450 staff" in text  # thousands separated, as GOV.UK writes them
    text = " ".join(BeautifulSoup(client.get(url).content, "html.parser").get_text().split())
    assert "The headcount now: 12,450 staff." in text


@pytest.mark.parametrize("value", ["-1", "1.5", "ten", "1000001"])
def test_a_bad_headcount_writes_nothing(client, lead, value):
    url = reverse("workforce:headcount", args=["probation"])
    client.post(url, {"probation": "7"})
    response = client.post(url, {"probation": value, "manager": "2"})
    assert response.status_code == 200
    assert summary(response) == [
        "Enter the number of staff who are “Probation officer” as a whole number from 0 to 1,000,000"
    ]
    assert list(Headcount.objects.filter(agency__code="probation").values_list("job_role", "staff")) == [
        ("probation", 7)
    ]


def test_the_templates_read_back(client, lead):
    response = client.get(reverse("workforce:template", args=["csv"]))
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert lines[0] == ["Work email", "Name", "Job role", "Team"]
    assert len(lines) == 2 and lines[1][2] in JobRole.labels

    response = client.get(reverse("workforce:template", args=["xlsx"]))
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Staff list", "Job roles"]
    rows = list(book["Staff list"].iter_rows(values_only=True))
    assert rows[0] == ("Work email", "Name", "Job role", "Team") and len(rows) == 2
    roles = list(book["Job roles"].iter_rows(values_only=True))[1:]
    assert roles == [(label, code) for code, label in JobRole.choices]
    assert client.get(reverse("workforce:template", args=["pdf"])).status_code == 404


def test_the_template_as_downloaded_uploads_cleanly(client, lead):
    template = client.get(reverse("workforce:template", args=["xlsx"])).content
    response = client.post(upload_url(), {"file": SimpleUploadedFile("template.xlsx", template)})
    assert response.status_code == 302


def test_index_queries_stay_flat_as_the_list_grows(client, lead, django_assert_num_queries):
    agency = Agency.objects.get(code="probation")

    def add(count, start):
        StaffListEntry.objects.bulk_create(
            StaffListEntry(agency=agency, email=f"p{n}@example.org", name=f"P {n}", job_role="probation")
            for n in range(start, start + count)
        )
        StaffListUpload.objects.create(agency=agency, uploaded_by=lead, file_name="x.csv", status="applied")

    add(2, 0)
    client.get(INDEX)  # warm the session and site caches
    with CaptureQueriesContext(connection) as small:
        assert client.get(INDEX).status_code == 200
    add(200, 2)
    with django_assert_num_queries(len(small)):
        assert client.get(INDEX).status_code == 200
