"""The rules of single-agency returns, without a request: when a quarter closes, which dates
a return may have, reading a list of the people trained, and the one-time form token."""

import io
from datetime import date
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from training import returns

HEADINGS = "Name,Email,Job role\r\n"


@pytest.mark.parametrize(
    "day, closes",
    [
        (date(2027, 1, 1), date(2027, 3, 31)),
        (date(2027, 3, 31), date(2027, 3, 31)),
        (date(2027, 4, 1), date(2027, 6, 30)),
        (date(2027, 8, 15), date(2027, 9, 30)),
        (date(2026, 10, 1), date(2026, 12, 31)),
        (date(2026, 12, 31), date(2026, 12, 31)),
        (date(2028, 2, 29), date(2028, 3, 31)),
    ],
)
def test_a_quarter_closes_on_its_last_day(day, closes):
    assert returns.quarter_closes(day) == closes


def test_a_return_is_editable_to_the_last_day_of_its_quarter_and_not_after():
    delivered = SimpleNamespace(delivered_on=date(2027, 2, 10))
    assert returns.editable(delivered, on=date(2027, 2, 10))
    assert returns.editable(delivered, on=date(2027, 3, 31))
    assert not returns.editable(delivered, on=date(2027, 4, 1))
    assert returns.closed_message(delivered) == "This return is closed: its quarter ended on 31 March 2027."


def test_the_date_delivered_is_in_this_quarter_and_not_in_the_future():
    on = date(2027, 2, 10)
    assert returns.date_problem(date(2027, 2, 10), on) == ""
    assert returns.date_problem(date(2027, 1, 1), on) == ""
    assert returns.date_problem(date(2027, 2, 11), on) == "The date delivered must be today or in the past"
    assert returns.date_problem(date(2026, 12, 31), on) == (
        "The date delivered must be in this quarter (from 1 January 2027): the quarter of 31 December 2026 "
        "ended on 31 December 2026 and its returns are closed"
    )


def test_quarters_for_the_filter():
    quarters = returns.recent_quarters(3, on=date(2027, 2, 10))
    assert [q.slug for q in quarters] == ["2027-q1", "2026-q4", "2026-q3"]
    assert quarters[1].label == "October to December 2026"
    assert returns.quarter_from("2026-q4") == quarters[1]
    for bad in ["2026-q5", "2026q4", "", None, "1999-q1", "2026-q4 ", "x"]:
        assert returns.quarter_from(bad) is None


def csv_file(text, name="people.csv"):
    return SimpleUploadedFile(name, text.encode())


def problems(upload):
    with pytest.raises(returns.ListProblem) as raised:
        returns.check_attendees(upload)
    return raised.value.problems


def test_a_good_list_is_read_with_job_roles_by_label_or_code_and_emails_optional():
    rows = returns.check_attendees(
        csv_file(HEADINGS + "Ann Lee,Ann@Example.org,Housing officer\r\nBo Ray,,manager\r\n,,\r\n")
    )
    assert rows == [
        {"name": "Ann Lee", "email": "ann@example.org", "job_role": "housing"},
        {"name": "Bo Ray", "email": "", "job_role": "manager"},
    ]


def test_an_xlsx_list_is_read():
    book = Workbook()
    book.active.append(["Job role", "Name"])  # any order; Email left out altogether
    book.active.append(["Nurse or other health professional", "Cy Dee"])
    data = io.BytesIO()
    book.save(data)
    path = SimpleUploadedFile("people.xlsx", data.getvalue())
    assert returns.check_attendees(path) == [{"name": "Cy Dee", "email": "", "job_role": "nurse"}]


def test_every_bad_row_is_named():
    text = HEADINGS + (
        "Ann,ann@example.org,Housing officer\r\n"
        "Bo,not-an-email,Housing officer\r\n"
        "Cy,cy@example.org,Pilot\r\n"
        "Di,ANN@example.org,Manager\r\n"
        ",ed@example.org,Manager\r\n"
        "=HYPERLINK(1),,Manager\r\n"
        "Fay,,\r\n"
    )
    assert problems(csv_file(text)) == [
        "Row 3, Email: enter an email address like name@example.org (not “not-an-email”), or leave it blank.",
        "Row 4, Job role: “Pilot” is not one of the job roles listed on the form.",
        "Row 5, Email: ann@example.org is also on row 2: give each person once.",
        "Row 6, Name: enter the person's name.",
        "Row 7, Name: remove the formula or hidden characters (a cell cannot start with =, +, - or @).",
        "Row 8, Job role: enter one of the job roles listed on the form.",
    ]


def test_files_that_cannot_be_used():
    assert problems(csv_file("")) == ["The file is empty."]
    assert problems(csv_file(HEADINGS)) == [
        "The file has headings but no people: add one row per person trained."
    ]
    assert problems(csv_file("Email\r\na@example.org\r\n")) == [
        "Row 1 must have the headings Name, Email (optional) and Job role: Name and Job role are missing."
    ]
    assert problems(csv_file("Name,Email,Job role\r\n", name="people.pdf")) == [
        "The file must be a CSV or an Excel (XLSX) file."
    ]
    assert problems(SimpleUploadedFile("people.xlsx", b"not a workbook")) == [
        "The file could not be read as an Excel (XLSX) file."
    ]


def test_too_many_people():
    many = "".join(f"P{n},,Manager\r\n" for n in range(returns.MAX_ATTENDEES + 1))
    assert problems(csv_file(HEADINGS + many)) == [
        "The file has 2,001 people: a return can list up to 2,000. Split the training into two returns."
    ]
    exactly = "".join(f"P{n},,Manager\r\n" for n in range(returns.MAX_ATTENDEES))
    assert len(returns.check_attendees(csv_file(HEADINGS + exactly))) == 2_000


@pytest.mark.django_db
def test_a_form_token_is_claimed_once_per_person():
    User = get_user_model()
    one, two = User(pk=10_001), User(pk=10_002)
    assert returns.claim_form(one, "token-a") is None
    assert returns.claim_form(one, "token-a") == ""  # still saving
    returns.form_done(one, "token-a", "/returns/5/")
    assert returns.claim_form(one, "token-a") == "/returns/5/"
    assert returns.claim_form(two, "token-a") is None  # another person's form is hers alone
    returns.release_form(two, "token-a")
    assert returns.claim_form(two, "token-a") is None
