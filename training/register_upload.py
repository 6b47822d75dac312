"""A register uploaded as a file (CSV or XLSX): columns "Email" and "Attendance", one row per
person. Each row is checked against the session's register and shown for the trainer to
confirm; nothing is written until she does, and then every row is written in one transaction.

A registered person who is not on the register is offered as a walk-in (she came without a
place); an email with no account is refused, as on the register page."""

import csv
import io
from dataclasses import dataclass

from django.db import transaction
from django.db.models.functions import Lower
from django.http import HttpResponse
from django.utils import timezone

from courses.models import LearnerProfile
from training import attendance
from training.attendance import RegisterError
from training.models import Booking, TrainingSession
from workforce.staff_lists import PROBLEMS_SHOWN, StaffListProblem, read_table

MAX_PEOPLE = 500  # more than any room or call: a longer file is the wrong file
COLUMNS = ["Email", "Attendance"]
ATTENDANCE = {
    **{value: value for value in Booking.Attendance.values},
    **{label.lower(): value for value, label in Booking.Attendance.choices},
}
WORDS = "Attended, Arrived late, Left early or Did not attend"


@dataclass(frozen=True)
class Row:
    email: str
    attendance: str
    name: str
    booking_id: int | None  # None: to be added as a walk-in

    @property
    def attendance_label(self) -> str:
        return Booking.Attendance(self.attendance).label


def read(upload) -> list[tuple[int, list[str]]]:
    """The file's rows (heading first), or RegisterError saying what is wrong with the file."""
    try:
        return read_table(upload)
    except StaffListProblem as problem:
        raise RegisterError(problem.problems[0]) from None


def check(session: TrainingSession, table: list[tuple[int, list[str]]]) -> tuple[list[Row], list[str]]:
    """The rows to apply and the problems (row by row); the rows count only with no problems.
    Two queries however long the file."""
    if len(table) < 2:
        return [], ["The file is empty: it needs a heading row and one row per person."]
    headings = [cell.strip().lower() for cell in table[0][1]]
    if "email" not in headings or "attendance" not in headings:
        return [], ["The first row must have the headings Email and Attendance (download the template)."]
    if len(table) - 1 > MAX_PEOPLE:
        return [], [f"The file has more than {MAX_PEOPLE} people: is it the right file?"]
    at_email, at_mark = headings.index("email"), headings.index("attendance")
    wanted = {(cells[at_email] if at_email < len(cells) else "").strip().lower() for _, cells in table[1:]}
    profiles = {
        profile.email: profile
        for profile in LearnerProfile.objects.select_related("user")
        .annotate(email=Lower("user__email"))
        .filter(email__in=wanted - {""})
    }
    on_register = {
        booking.person_id: booking.pk for booking in attendance.on_register(session).only("pk", "person_id")
    }
    rows, problems, seen = [], [], set()
    for number, cells in table[1:]:
        email = (cells[at_email] if at_email < len(cells) else "").strip().lower()
        mark = (cells[at_mark] if at_mark < len(cells) else "").strip().lower()
        profile = profiles.get(email)
        if not email:
            problems.append(f"Row {number}: enter an email address.")
        elif email in seen:
            problems.append(f"Row {number}: {email} is in the file more than once.")
        elif profile is None:
            problems.append(
                f"Row {number}: there is no account with {email}: ask them to register, then add them."
            )
        if mark not in ATTENDANCE:
            problems.append(f"Row {number}: the attendance must be {WORDS}.")
        seen.add(email)
        if profile is not None and mark in ATTENDANCE:
            rows.append(
                Row(email, ATTENDANCE[mark], profile.user.get_full_name(), on_register.get(profile.user_id))
            )
    if len(problems) > PROBLEMS_SHOWN:
        problems = [*problems[:PROBLEMS_SHOWN], f"And {len(problems) - PROBLEMS_SHOWN} more problems."]
    return ([] if problems else rows), problems


def apply(session: TrainingSession, rows: list[Row], by, now=None) -> int:
    """Add the walk-ins and record every mark, all or nothing; returns how many marks changed."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = TrainingSession.objects.select_for_update().get(pk=session.pk)
        attendance.refuse_unless_open(locked, now)
        profiles = {
            profile.email: profile
            for profile in LearnerProfile.objects.annotate(email=Lower("user__email")).filter(
                email__in=[row.email for row in rows]
            )
        }
        marks = {
            attendance.put_on_register(locked, profiles[row.email])[0].pk: row.attendance for row in rows
        }
        return attendance.mark(locked, marks, by, now)


def template(session: TrainingSession) -> HttpResponse:
    """A CSV to fill in: the headings and everyone on the register, attendance blank."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for email in (
        attendance.on_register(session).order_by("person__last_name").values_list("person__email", flat=True)
    ):
        writer.writerow([email, ""])
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="register-{session.pk}.csv"'
    return response
