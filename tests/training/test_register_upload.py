"""A register uploaded as CSV or XLSX: checked and previewed, written only on confirmation,
all rows in one transaction."""

import io

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from tests.factories import make_learner
from tests.training.test_register_views import book, make_session, make_trainer
from training.models import Booking

pytestmark = pytest.mark.django_db


def csv_file(text, name="register.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def xlsx_file(rows):
    book_ = Workbook()
    for row in rows:
        book_.active.append(row)
    out = io.BytesIO()
    book_.save(out)
    return SimpleUploadedFile("register.xlsx", out.getvalue())


@pytest.fixture
def trainer():
    return make_trainer()


@pytest.fixture
def session(trainer):
    return make_session([trainer])


@pytest.fixture
def booked(session):
    return [book(session, make_learner(email=f"person{n}@example.org")) for n in range(2)]


def upload_url(session):
    return f"/sessions/{session.pk}/register/upload/"


def preview(client, session, upload):
    return client.post(upload_url(session), {"file": upload})


def test_a_csv_is_previewed_then_written_on_confirmation(client, trainer, session, booked):
    make_learner("police", email="came.anyway@example.org", first_name="Cal", last_name="Came")
    client.force_login(trainer)
    text = "Email,Attendance\nPERSON0@example.org,arrived late\nperson1@example.org,no_show\ncame.anyway@example.org,Attended\n"
    response = preview(client, session, csv_file(text))
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    rows = [[c.get_text(strip=True) for c in tr.select("th, td")] for tr in page.select("tbody tr")]
    assert rows[2] == ["Cal Came", "came.anyway@example.org", "Attended", "No: will be added as a walk-in"]
    assert set(Booking.objects.filter(session=session).values_list("attendance", flat=True)) == {""}
    form = page.select_one("form[method=post] button[name=confirm]").find_parent("form")
    data = {"confirm": "1", "email": [], "attendance": []}
    for field in form.select("input[type=hidden]"):
        if field["name"] in ("email", "attendance"):
            data[field["name"]].append(field["value"])
    assert client.post(upload_url(session), data).status_code == 302
    marks = dict(Booking.objects.filter(session=session).values_list("person__email", "attendance"))
    assert marks == {
        "person0@example.org": "late",
        "person1@example.org": "no_show",
        "came.anyway@example.org": "attended",
    }
    assert Booking.objects.get(session=session, person__email="came.anyway@example.org").walk_in


def test_an_xlsx_is_read_the_same_way(client, trainer, session, booked):
    client.force_login(trainer)
    response = preview(
        client, session, xlsx_file([["Email", "Attendance"], ["person0@example.org", "Left early"]])
    )
    assert response.status_code == 200
    assert "Left early" in response.content.decode()


@pytest.mark.parametrize(
    "upload, message",
    [
        (
            csv_file("Email,Attendance\nnobody@example.org,attended\n"),
            "Row 2: there is no account with nobody@example.org",
        ),
        (
            csv_file("Email,Attendance\nperson0@example.org,present\n"),
            "Row 2: the attendance must be Attended",
        ),
        (
            csv_file("Email,Attendance\nperson0@example.org,attended\nPerson0@example.org,late\n"),
            "Row 3: person0@example.org is in the file more than once.",
        ),
        (csv_file("Email,Attendance\n"), "The file is empty"),
        (csv_file(""), "The file is empty."),
        (csv_file("Name,Mark\nx,y\n"), "The first row must have the headings Email and Attendance"),
        (SimpleUploadedFile("register.pdf", b"%PDF-1.4"), "The file must be a CSV or an Excel (XLSX) file."),
        (SimpleUploadedFile("register.xlsx", b"not a zip"), "could not be read as an Excel (XLSX) file"),
        (csv_file("Email,Attendance\n" + "a@example.org,attended\n" * 300_000), "smaller than"),
    ],
    ids=["unknown", "bad-mark", "duplicate", "no-rows", "empty", "headings", "type", "broken-xlsx", "huge"],
)
def test_bad_files_are_explained_and_nothing_is_written(client, trainer, session, booked, upload, message):
    client.force_login(trainer)
    response = preview(client, session, upload)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert set(Booking.objects.filter(session=session).values_list("attendance", flat=True)) == {""}
    assert Booking.objects.filter(session=session).count() == 2


def test_a_tampered_confirmation_is_checked_again(client, trainer, session, booked):
    client.force_login(trainer)
    data = {
        "confirm": "1",
        "email": ["person0@example.org", "nobody@example.org"],
        "attendance": ["attended", "attended"],
    }
    assert client.post(upload_url(session), data).status_code == 400
    assert set(Booking.objects.filter(session=session).values_list("attendance", flat=True)) == {""}


def test_the_template_lists_everyone_on_the_register(client, trainer, session, booked):
    client.force_login(trainer)
    response = client.get(f"/sessions/{session.pk}/register/upload/template/")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Email,Attendance"
    assert sorted(lines[1:]) == ["person0@example.org,", "person1@example.org,"]


def test_another_trainer_cannot_upload(client, session, booked):
    client.force_login(make_trainer())
    assert (
        preview(client, session, csv_file("Email,Attendance\nperson0@example.org,attended\n")).status_code
        == 404
    )
    assert set(Booking.objects.filter(session=session).values_list("attendance", flat=True)) == {""}
