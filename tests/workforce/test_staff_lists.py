"""Reading and checking a staff list file, without a request: CSV (UTF-8 with or without a
BOM, Windows-1252), XLSX made here with openpyxl, and each kind of bad input refused with a
message naming the row and column."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from workforce import staff_lists
from workforce.staff_lists import StaffListProblem, check_file

HEADINGS = "Work email,Name,Job role,Team\r\n"


def csv_file(text, encoding="utf-8", name="staff.csv"):
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def xlsx_file(rows, name="staff.xlsx"):
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def problems_of(upload):
    with pytest.raises(StaffListProblem) as raised:
        check_file(upload)
    return raised.value.problems


def test_a_csv_is_read_with_emails_lower_cased_and_job_roles_by_label_or_code():
    rows = check_file(
        csv_file(
            HEADINGS + "Ann.Smith@Example.org,Ann Smith,Housing officer,Lettings\r\n"
            "bob@example.org, Bob Jones ,PROBATION,\r\n"
            "cat@example.org,Cat Lee,manager,North\r\n"
        )
    )
    assert rows == [
        {"email": "ann.smith@example.org", "name": "Ann Smith", "job_role": "housing", "team": "Lettings"},
        {"email": "bob@example.org", "name": "Bob Jones", "job_role": "probation", "team": ""},
        {"email": "cat@example.org", "name": "Cat Lee", "job_role": "manager", "team": "North"},
    ]


def test_headings_in_any_case_and_order_with_blank_rows_and_extra_columns():
    rows = check_file(
        csv_file(
            "JOB ROLE,name,Staff number,WORK EMAIL\r\n\r\nSocial worker,Dee Ray,123,dee@example.org\r\n,,,\r\n"
        )
    )
    assert rows == [{"email": "dee@example.org", "name": "Dee Ray", "job_role": "social_worker", "team": ""}]


def test_a_csv_with_a_byte_order_mark_reads_its_first_heading():
    rows = check_file(csv_file(HEADINGS + "eve@example.org,Eve Ng,Volunteer,\r\n", encoding="utf-8-sig"))
    assert rows[0]["email"] == "eve@example.org"


def test_a_windows_1252_csv_keeps_its_accents():
    rows = check_file(csv_file(HEADINGS + "zoe@example.org,Zoë Brontë,Volunteer,Café team\r\n", "cp1252"))
    assert rows[0]["name"] == "Zoë Brontë"
    assert rows[0]["team"] == "Café team"


def test_an_xlsx_made_with_openpyxl_is_read():
    rows = check_file(
        xlsx_file(
            [
                ["Work email", "Name", "Job role", "Team"],
                ["Fay@Example.org", "Fay Hill", "Police officer or staff", None],
                ["gus@example.org", "Gus Hill", "nurse", 42],
            ]
        )
    )
    assert rows == [
        {"email": "fay@example.org", "name": "Fay Hill", "job_role": "police", "team": ""},
        {"email": "gus@example.org", "name": "Gus Hill", "job_role": "nurse", "team": "42"},
    ]


def test_a_formula_in_an_xlsx_is_refused():
    problems = problems_of(
        xlsx_file(
            [["Work email", "Name", "Job role"], ["h@example.org", '=HYPERLINK("http://x","y")', "Nurse"]]
        )
    )
    assert problems == [
        "Row 2, Name: remove the formula or hidden characters (a cell cannot start with =, +, - or @)."
    ]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "not-an-email,Ann,Nurse,",
            "Row 2, Work email: enter an email address like name@example.org (not “not-an-email”).",
        ),
        (",Ann,Nurse,", "Row 2, Work email: enter the person's work email address."),
        ("a@example.org,,Nurse,", "Row 2, Name: enter the person's name."),
        ("a@example.org,Ann,,", "Row 2, Job role: enter one of the job roles in the template."),
        (
            "a@example.org,Ann,Astronaut,",
            "Row 2, Job role: “Astronaut” is not one of the job roles in the template.",
        ),
        (
            "a@example.org,=1+2,Nurse,",
            "Row 2, Name: remove the formula or hidden characters (a cell cannot start with =, +, - or @).",
        ),
        (
            "a@example.org,Ann,Nurse,+44 team",
            "Row 2, Team: remove the formula or hidden characters (a cell cannot start with =, +, - or @).",
        ),
        (
            "a@example.org,-Ann,Nurse,",
            "Row 2, Name: remove the formula or hidden characters (a cell cannot start with =, +, - or @).",
        ),
        (
            "@a@example.org,Ann,Nurse,",
            "Row 2, Work email: remove the formula or hidden characters (a cell cannot start with =, +, - or @).",
        ),
        (
            "a@example.org,Ann\x07,Nurse,",
            "Row 2, Name: remove the formula or hidden characters (a cell cannot start with =, +, - or @).",
        ),
        ("a@example.org," + "A" * 121 + ",Nurse,", "Row 2, Name: must be 120 characters or fewer."),
        ("a@example.org,Ann,Nurse," + "T" * 101, "Row 2, Team: must be 100 characters or fewer."),
    ],
)
def test_each_bad_cell_is_named_by_row_and_column(line, message):
    assert problems_of(csv_file(HEADINGS + line + "\r\n")) == [message]


def test_the_same_email_twice_is_refused_naming_both_rows():
    problems = problems_of(
        csv_file(
            HEADINGS + "a@example.org,Ann,Nurse,\r\nb@example.org,Bo,Nurse,\r\nA@EXAMPLE.ORG,Ann,Nurse,\r\n"
        )
    )
    assert problems == ["Row 4: a@example.org is also on row 2: give each person once."]


def test_rows_are_numbered_as_in_the_file_blank_rows_included():
    problems = problems_of(csv_file(HEADINGS + "\r\na@example.org,Ann,Nurse,\r\nbad,Bo,Nurse,\r\n"))
    assert problems[0].startswith("Row 4, Work email")


def test_every_problem_is_listed():
    lines = "".join(f"bad{n},Ann,Nurse,\r\n" for n in range(150))
    assert len(problems_of(csv_file(HEADINGS + lines))) == 150


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (csv_file("Email address,Name\r\na@example.org,Ann\r\n"), "Row 1 must have the headings"),
        (csv_file(HEADINGS), "The file has headings but no people"),
        (csv_file("\r\n\r\n"), "The file is empty"),
        (SimpleUploadedFile("staff.csv", b""), "The file is empty."),
        (SimpleUploadedFile("staff.pdf", b"%PDF-1.4"), "The file must be a CSV or an Excel (XLSX) file."),
        (SimpleUploadedFile("staff.xlsx", b"not a zip at all"), "The file could not be read as an Excel"),
        (SimpleUploadedFile("staff.csv", b"a,\x81\x8d\x8f\x90\x9d"), "The file could not be read"),
    ],
)
def test_a_file_that_cannot_be_used_says_why(upload, message):
    assert problems_of(upload)[0].startswith(message)


def test_the_missing_headings_are_named():
    assert problems_of(csv_file("Work email,Team\r\na@example.org,X\r\n")) == [
        "Row 1 must have the headings Work email, Name, Job role, Team: Name and Job role are missing."
    ]


def test_a_file_over_the_size_limit_is_refused(monkeypatch):
    monkeypatch.setattr(staff_lists, "MAX_BYTES", 100)
    upload = csv_file(HEADINGS + "".join(f"p{n}@example.org,Person {n},Nurse,\r\n" for n in range(10)))
    assert problems_of(upload)[0].startswith("The file must be smaller than")


def test_a_file_over_the_row_limit_is_refused(monkeypatch):
    monkeypatch.setattr(staff_lists, "MAX_ROWS", 5)
    upload = csv_file(HEADINGS + "".join(f"p{n}@example.org,Person {n},Nurse,\r\n" for n in range(6)))
    assert problems_of(upload) == ["The file has more than 5 people: split it or ask for help."]
    upload = csv_file(HEADINGS + "".join(f"p{n}@example.org,Person {n},Nurse,\r\n" for n in range(5)))
    assert len(check_file(upload)) == 5
