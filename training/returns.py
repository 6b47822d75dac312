"""The rules of single-agency returns, apart from HTTP: when a return closes, reading and
checking a list of attendees, the one-time form token, saving a return whole, and the
returns a viewer may see with the number each trained.

A return is the record of training an agency ran itself. Its lead may change it (or delete
it) until the quarter it was delivered in closes, at midnight, Europe/London, at the end of
the quarter's last day; after that it is what the partnership counts, and nothing changes it."""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from courses.reports import british
from training.models import MaterialsDistributed, ReturnAttendee, ReturnHeadcount, SingleAgencyReturn
from workforce import tallies
from workforce.staff_lists import CONTROL, HOSTILE_START, StaffListProblem, job_role_lookup, read_table

MAX_ATTENDEES = 2_000
PROBLEMS_SHOWN = 100
MOST_TRAINED = 10_000  # per job role: more is a typing slip
COLUMNS = ["Name", "Email", "Job role"]
HEADINGS = {"name": "name", "email": "email", "work email": "email", "job role": "job_role"}
REQUIRED = {"name": "Name", "job_role": "Job role"}
LIMITS = {"name": 150, "email": 254}
FORM_KEPT = 24 * 60 * 60  # seconds a used form token is remembered: longer than any double click


# When a return closes


def quarter_starts(day: date) -> date:
    return day.replace(month=3 * ((day.month - 1) // 3) + 1, day=1)


def quarter_closes(day: date) -> date:
    """The last day of the calendar quarter `day` is in (31 March, 30 June, 30 September or
    31 December): a return delivered on `day` can be changed until that day ends."""
    start = quarter_starts(day)
    following = (
        start.replace(year=start.year + 1, month=1)
        if start.month == 10
        else start.replace(month=start.month + 3)
    )
    return following - timedelta(days=1)


def today() -> date:
    """Today in Europe/London, the day the quarters are reckoned in."""
    return timezone.localdate()


def editable(training_return: SingleAgencyReturn, on: date | None = None) -> bool:
    """Whether the return can still be changed or deleted: its quarter has not closed."""
    return (on or today()) <= quarter_closes(training_return.delivered_on)


def closed_message(training_return: SingleAgencyReturn) -> str:
    ended = british(quarter_closes(training_return.delivered_on))
    return f"This return is closed: its quarter ended on {ended}."


def date_problem(day: date, on: date | None = None) -> str:
    """What is wrong with `day` as the date training was delivered, or "" if nothing."""
    on = on or today()
    if day > on:
        return "The date delivered must be today or in the past"
    if day < quarter_starts(on):
        return (
            f"The date delivered must be in this quarter (from {british(quarter_starts(on))}): "
            f"the quarter of {british(day)} ended on {british(quarter_closes(day))} "
            "and its returns are closed"
        )
    return ""


# Quarters, for the filter


QUARTER = re.compile(r"^(\d{4})-q([1-4])$")


@dataclass(frozen=True)
class Quarter:
    start: date

    @property
    def end(self) -> date:
        return quarter_closes(self.start)

    @property
    def slug(self) -> str:
        return f"{self.start:%Y}-q{(self.start.month - 1) // 3 + 1}"

    @property
    def label(self) -> str:
        return f"{self.start:%B} to {self.end:%B %Y}"


def quarter_from(value: str | None) -> Quarter | None:
    """The quarter "2026-q4" names, or None for anything else."""
    match = QUARTER.match(value or "")
    if not match or not 2000 <= int(match[1]) <= 2099:
        return None
    return Quarter(date(int(match[1]), 3 * int(match[2]) - 2, 1))


def recent_quarters(count: int = 8, on: date | None = None) -> list[Quarter]:
    """This quarter and the `count - 1` before it, newest first."""
    quarters = [Quarter(quarter_starts(on or today()))]
    while len(quarters) < count:
        quarters.append(Quarter(quarter_starts(quarters[-1].start - timedelta(days=1))))
    return quarters


# Who a return trained


def with_numbers(returns: QuerySet) -> QuerySet:
    """Returns with `trained` (the staff it trained: the headcounts' sum, or the people on its
    list) and `listed` (people on its list), in the same query, and their materials in one more."""
    headcounts = (
        ReturnHeadcount.objects.filter(training_return=OuterRef("pk"))
        .values("training_return")
        .annotate(total=Sum("number"))
        .values("total")
    )
    attendees = (
        ReturnAttendee.objects.filter(training_return=OuterRef("pk"))
        .values("training_return")
        .annotate(total=Count("pk"))
        .values("total")
    )
    counted = IntegerField()
    return (
        returns.select_related("agency", "course")
        .annotate(
            listed=Coalesce(Subquery(attendees, output_field=counted), Value(0)),
            trained=Coalesce(Subquery(headcounts, output_field=counted), Value(0))
            + Coalesce(Subquery(attendees, output_field=counted), Value(0)),
        )
        .prefetch_related(Prefetch("materials", queryset=MaterialsDistributed.objects.order_by("pk")))
    )


def what_was_taught(training_return: SingleAgencyReturn) -> str:
    """The course's title, then the topic, as one line."""
    parts = [training_return.course.title if training_return.course_id else "", training_return.topic]
    return ": ".join(part for part in parts if part)


def materials_text(training_return: SingleAgencyReturn) -> str:
    """ "200 × Leaflet (Spotting grooming); 10 × Poster" from the prefetched materials."""
    return "; ".join(
        f"{item.number:,} × {item.get_kind_display()}"
        + (f" ({item.description})" if item.description else "")
        for item in training_return.materials.all()
    )


# A list of attendees


class ListProblem(Exception):
    """A list that cannot be used: `problems` says why, row by row where it can."""

    def __init__(self, problems: list[str]):
        super().__init__(problems[0] if problems else "")
        self.problems = problems


def check_attendees(upload) -> list[dict]:
    """The people on an uploaded CSV or XLSX list ({name, email, job_role}), or ListProblem
    naming every row and column to put right. Nothing is kept."""
    try:
        table = read_table(upload)
    except StaffListProblem as problem:
        raise ListProblem(problem.problems) from None
    if not table:
        raise ListProblem(["The file is empty: it needs a heading row and one row per person trained."])
    heading_row, cells = table[0]
    columns = {}
    for position, heading in enumerate(cells):
        key = HEADINGS.get(heading.strip().lower())
        if key and key not in columns:
            columns[key] = position
    missing = [label for key, label in REQUIRED.items() if key not in columns]
    if missing:
        raise ListProblem(
            [
                f"Row {heading_row} must have the headings Name, Email (optional) and Job role: "
                f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} missing."
            ]
        )
    people = table[1:]
    if not people:
        raise ListProblem(["The file has headings but no people: add one row per person trained."])
    if len(people) > MAX_ATTENDEES:
        raise ListProblem(
            [
                f"The file has {len(people):,} people: a return can list up to {MAX_ATTENDEES:,}. "
                "Split the training into two returns."
            ]
        )
    roles = job_role_lookup()
    problems, rows, first_row = [], [], {}
    for number, row_cells in people:
        row, row_problems = _check_row(number, row_cells, columns, roles)
        if not row_problems and row["email"]:
            if row["email"] in first_row:
                row_problems.append(
                    f"Row {number}, Email: {row['email']} is also on row {first_row[row['email']]}: "
                    "give each person once."
                )
            else:
                first_row[row["email"]] = number
        problems += row_problems
        rows.append(row)
    if problems:
        raise ListProblem(problems)
    return rows


def _check_row(number, cells, columns, roles) -> tuple[dict, list[str]]:
    def cell(key):
        position = columns.get(key)
        return cells[position].strip() if position is not None and position < len(cells) else ""

    problems, values = [], {}
    for key, label in [("name", "Name"), ("email", "Email"), ("job_role", "Job role")]:
        value = cell(key)
        if value.startswith(HOSTILE_START) or CONTROL.search(value):
            problems.append(
                f"Row {number}, {label}: remove the formula or hidden characters "
                "(a cell cannot start with =, +, - or @)."
            )
            value = ""
        elif key in LIMITS and len(value) > LIMITS[key]:
            problems.append(f"Row {number}, {label}: must be {LIMITS[key]} characters or fewer.")
            value = ""
        values[key] = value
    if problems:
        return values, problems
    if not values["name"]:
        problems.append(f"Row {number}, Name: enter the person's name.")
    email = values["email"].lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            problems.append(
                f"Row {number}, Email: enter an email address like name@example.org "
                f"(not “{values['email']}”), or leave it blank."
            )
    job_role = roles.get(values["job_role"].lower())
    if not values["job_role"]:
        problems.append(f"Row {number}, Job role: enter one of the job roles listed on the form.")
    elif job_role is None:
        problems.append(
            f"Row {number}, Job role: “{values['job_role']}” is not one of the job roles listed on the form."
        )
    return {"name": values["name"], "email": email, "job_role": job_role or ""}, problems


# The same form sent twice


def _form_key(user, token: str) -> str:
    return f"training:return-form:{user.pk}:{token}"


def claim_form(user, token: str) -> str | None:
    """Claim a form's one-time token before saving what it sent: None if the caller now holds
    it, or else where the first sending of the same form went ("" while it is still saving).
    The cache's `add` is atomic (Redis in production), so of two identical POSTs that arrive
    together exactly one saves."""
    key = _form_key(user, token)
    if cache.add(key, "", FORM_KEPT):
        return None
    return cache.get(key, "")


def form_done(user, token: str, where: str) -> None:
    """Remember where the form's first sending went, for the second."""
    cache.set(_form_key(user, token), where, FORM_KEPT)


def release_form(user, token: str) -> None:
    """Free a claimed token when nothing was saved, so that the form can be sent again."""
    cache.delete(_form_key(user, token))


# Saving


class Closed(Exception):
    """The return's quarter closed before the change arrived: nothing was written."""


def save_return(
    training_return: SingleAgencyReturn,
    user,
    headcounts: dict[str, int] | None,
    attendees: list[dict] | None,
    materials: list[dict],
) -> SingleAgencyReturn:
    """Write a return and everything under it in one transaction: `headcounts` ({job role:
    number}) or `attendees` (rows of a checked list) replace what it had, one or the other
    (both None keeps its list as it is); `materials` replace its materials. A change to an
    existing return is refused with Closed if its quarter has closed meanwhile."""
    with transaction.atomic(), tallies.batched() as listed:  # coverage counts the people listed
        if training_return.pk:
            stored = SingleAgencyReturn.objects.select_for_update().filter(pk=training_return.pk).first()
            if stored is None or not editable(stored):
                raise Closed
        else:
            training_return.created_by = user
        training_return.updated_by = user
        training_return.save()
        if headcounts is not None:
            training_return.attendees.all().delete()
            training_return.headcounts.all().delete()
            ReturnHeadcount.objects.bulk_create(
                ReturnHeadcount(training_return=training_return, job_role=role, number=number)
                for role, number in headcounts.items()
            )
        elif attendees is not None:
            training_return.headcounts.all().delete()
            training_return.attendees.all().delete()
            ReturnAttendee.objects.bulk_create(
                (ReturnAttendee(training_return=training_return, **row) for row in attendees), batch_size=500
            )
            listed.update(row.get("email", "") for row in attendees)
        training_return.materials.all().delete()
        MaterialsDistributed.objects.bulk_create(
            MaterialsDistributed(training_return=training_return, **item) for item in materials
        )
    return training_return


def delete_return(training_return: SingleAgencyReturn) -> None:
    """Delete a return and everything under it; refused with Closed once its quarter has closed."""
    with transaction.atomic(), tallies.batched():
        stored = SingleAgencyReturn.objects.select_for_update().filter(pk=training_return.pk).first()
        if stored is None:
            return  # deleted already (the same request sent twice)
        if not editable(stored):
            raise Closed
        stored.delete()
