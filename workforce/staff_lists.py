"""A lead's staff list: reading a file, checking each row, the preview of what it changes, and
applying it. Plain functions, testable without a request.

A file is read whole (CSV or XLSX, within `MAX_BYTES` and `MAX_ROWS`), every row is checked,
and only a file with no problem becomes a preview (a `StaffListUpload` holding the checked
rows). Nothing reaches the agency's list until the lead applies the preview, in one
transaction that replaces the list. Training records are never touched: they are history.
"""

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Count, Exists, OuterRef
from django.db.models.functions import Lower
from django.utils import timezone

from cms.models import Agency
from courses.models import JobRole
from workforce import tallies
from workforce.models import Reminder, StaffListEntry, StaffListUpload

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 50_000
PROBLEMS_SHOWN = 100
PREVIEW_KEPT = timedelta(days=1)
CHUNK = 2_000  # addresses per query: well inside SQLite's limit on parameters

COLUMNS = ["Work email", "Name", "Job role", "Team"]
HEADINGS = {"work email": "email", "email": "email", "name": "name", "job role": "job_role", "team": "team"}
REQUIRED = {"email": "Work email", "name": "Name", "job_role": "Job role"}
LIMITS = {"email": 254, "name": 120, "team": 100}
EXAMPLE = ["jo.bloggs@example.org", "Jo Bloggs", JobRole.HOUSING.label, "Tenancy support"]

# A cell a spreadsheet would run as a formula, or that hides control characters.
HOSTILE_START = ("=", "+", "-", "@")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def job_role_lookup() -> dict[str, str]:
    """Each job role by its label and by its code, lower-cased."""
    lookup = {}
    for code, label in JobRole.choices:
        lookup[label.lower()] = code
        lookup[code.lower()] = code
    return lookup


class StaffListProblem(Exception):
    """A file that cannot be used: `problems` says why, row by row where it can."""

    def __init__(self, problems: list[str]):
        super().__init__(problems[0] if problems else "")
        self.problems = problems


@dataclass
class Change:
    email: str
    name: str
    before: dict
    after: dict


@dataclass
class Preview:
    """What applying a list would do to the agency's list now."""

    joined: list[dict] = field(default_factory=list)
    left: list[StaffListEntry] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    unchanged: int = 0
    not_registered: int = 0

    @property
    def total(self) -> int:
        return len(self.joined) + len(self.changed) + self.unchanged


# Reading


def read_table(upload) -> list[tuple[int, list[str]]]:
    """The cells of an uploaded file's first sheet, as text, heading row first."""
    name = (upload.name or "").lower()
    if upload.size > MAX_BYTES:
        raise StaffListProblem([f"The file must be smaller than {MAX_BYTES // (1024 * 1024)} MB."])
    if upload.size == 0:
        raise StaffListProblem(["The file is empty."])
    if name.endswith(".csv"):
        return _read_csv(upload.read())
    if name.endswith(".xlsx"):
        return _read_xlsx(upload)
    raise StaffListProblem(["The file must be a CSV or an Excel (XLSX) file."])


def _read_csv(data: bytes) -> list[tuple[int, list[str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise StaffListProblem(
                ["The file could not be read: save it as CSV UTF-8 and try again."]
            ) from None
    try:
        return _limited(csv.reader(io.StringIO(text, newline="")))
    except csv.Error:
        raise StaffListProblem(
            ["The file could not be read as CSV: save it as CSV UTF-8 and try again."]
        ) from None


def _read_xlsx(upload) -> list[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        # Not data_only: a formula stays a formula ("=..."), so it is refused, never stored.
        book = load_workbook(upload, read_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        raise StaffListProblem(["The file could not be read as an Excel (XLSX) file."]) from None
    except Exception as error:  # openpyxl's own errors have no common base
        if type(error).__module__.startswith("openpyxl"):
            raise StaffListProblem(["The file could not be read as an Excel (XLSX) file."]) from None
        raise
    try:
        sheet = book.worksheets[0]
        return _limited([_text(value) for value in row] for row in sheet.iter_rows(values_only=True))
    finally:
        book.close()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _limited(rows: Iterable[list[str]]) -> list[tuple[int, list[str]]]:
    """The rows, without wholly blank ones, refusing a file longer than `MAX_ROWS` people."""
    table = []
    for number, row in enumerate(rows, 1):
        if not any(cell.strip() for cell in row):
            continue
        table.append((number, row))
        if len(table) > MAX_ROWS + 1:
            raise StaffListProblem([f"The file has more than {MAX_ROWS:,} people: split it or ask for help."])
    return table


# Checking


def check_table(table: list[tuple[int, list[str]]]) -> list[dict]:
    """The checked rows ({email, name, job_role, team}), or StaffListProblem naming every
    row and column to fix."""
    if not table:
        raise StaffListProblem(["The file is empty: it needs a heading row and one row per person."])
    heading_row, cells = table[0]
    columns = {}
    for position, heading in enumerate(cells):
        key = HEADINGS.get(heading.strip().lower())
        if key and key not in columns:
            columns[key] = position
    missing = [label for key, label in REQUIRED.items() if key not in columns]
    if missing:
        raise StaffListProblem(
            [
                f"Row {heading_row} must have the headings {', '.join(COLUMNS)}: "
                f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} missing."
            ]
        )
    if len(table) == 1:
        raise StaffListProblem(["The file has headings but no people: add one row per member of staff."])

    roles = job_role_lookup()
    problems, rows, first_row = [], [], {}
    for number, cells in table[1:]:
        row, row_problems = _check_row(number, cells, columns, roles)
        if not row_problems:
            if row["email"] in first_row:
                row_problems.append(
                    f"Row {number}: {row['email']} is also on row {first_row[row['email']]}: "
                    "give each person once."
                )
            else:
                first_row[row["email"]] = number
        problems += row_problems
        rows.append(row)
    if problems:
        raise StaffListProblem(problems)
    return rows


def _check_row(number, cells, columns, roles) -> tuple[dict, list[str]]:
    def cell(key):
        position = columns.get(key)
        return cells[position].strip() if position is not None and position < len(cells) else ""

    problems = []
    values = {}
    for key, label in [("email", "Work email"), ("name", "Name"), ("job_role", "Job role"), ("team", "Team")]:
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

    email = values["email"].lower()
    if not email:
        problems.append(f"Row {number}, Work email: enter the person's work email address.")
    else:
        try:
            validate_email(email)
        except ValidationError:
            problems.append(
                f"Row {number}, Work email: enter an email address like name@example.org "
                f"(not “{values['email']}”)."
            )
    if not values["name"]:
        problems.append(f"Row {number}, Name: enter the person's name.")
    job_role = roles.get(values["job_role"].lower())
    if not values["job_role"]:
        problems.append(f"Row {number}, Job role: enter one of the job roles in the template.")
    elif job_role is None:
        problems.append(
            f"Row {number}, Job role: “{values['job_role']}” is not one of the job roles in the template."
        )
    return {
        "email": email,
        "name": values["name"],
        "job_role": job_role or "",
        "team": values["team"],
    }, problems


def check_file(upload) -> list[dict]:
    """Read and check an uploaded file: its rows, or StaffListProblem."""
    return check_table(read_table(upload))


# Previewing


def _chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def registered_emails(emails: list[str]) -> set[str]:
    """Which of these lower-case addresses have an account, ignoring case (registration
    stores addresses lower-case; an administrator's account may not)."""
    found = set()
    users = get_user_model().objects.annotate(email_lower=Lower("email"))
    for chunk in _chunks(sorted(set(emails))):
        found |= set(users.filter(email_lower__in=chunk).values_list("email_lower", flat=True))
    return found


def compare(agency: Agency, rows: list[dict], count_unregistered: bool = True) -> Preview:
    """What applying `rows` would change in the agency's list as it is now."""
    current = {entry.email: entry for entry in StaffListEntry.objects.filter(agency=agency).order_by("name")}
    preview = Preview()
    incoming = set()
    for row in rows:
        incoming.add(row["email"])
        entry = current.get(row["email"])
        if entry is None:
            preview.joined.append(row)
            continue
        before = {"name": entry.name, "job_role": entry.job_role, "team": entry.team}
        after = {"name": row["name"], "job_role": row["job_role"], "team": row["team"]}
        if before == after:
            preview.unchanged += 1
        else:
            preview.changed.append(Change(row["email"], row["name"], before, after))
    preview.left = [entry for email, entry in current.items() if email not in incoming]
    if count_unregistered:
        emails = [row["email"] for row in rows]
        preview.not_registered = len(set(emails) - registered_emails(emails))
    preview.joined.sort(key=lambda row: row["name"].lower())
    preview.changed.sort(key=lambda change: change.name.lower())
    return preview


def purge_stale_previews(now=None) -> int:
    """Delete previews never applied that are older than a day: their rows are personal data."""
    now = now or timezone.now()
    deleted, _ = StaffListUpload.objects.filter(
        status=StaffListUpload.Status.PREVIEWED, uploaded_at__lt=now - PREVIEW_KEPT
    ).delete()
    return deleted


def make_preview(agency: Agency, user, file_name: str, rows: list[dict]) -> StaffListUpload:
    """Keep checked rows, waiting for the lead to apply them (and clear out old previews)."""
    purge_stale_previews()
    return StaffListUpload.objects.create(
        agency=agency, uploaded_by=user, file_name=file_name[:255], rows=rows
    )


# Applying


class NotWaiting(Exception):
    """The upload was applied already (or is not this agency's): nothing was changed."""


def apply_upload(upload_id: int, agency: Agency) -> StaffListUpload:
    """Replace the agency's list with the upload's rows, in one transaction.

    The upload is locked and must still be waiting, so the same request sent twice applies
    once; the agency is locked too, so two previews of one agency apply one after the other."""
    with transaction.atomic(), tallies.batched() as listed:  # coverage counts everyone listed
        Agency.objects.select_for_update().filter(pk=agency.pk).first()
        upload = (
            StaffListUpload.objects.select_for_update()
            .filter(pk=upload_id, agency=agency, status=StaffListUpload.Status.PREVIEWED)
            .first()
        )
        if upload is None:
            raise NotWaiting
        preview = compare(agency, upload.rows, count_unregistered=False)
        leavers = [entry.email for entry in preview.left]
        for chunk in _chunks(leavers):
            StaffListEntry.objects.filter(agency=agency, email__in=chunk).delete()
            # Invitations to people who never registered: personal data of people no longer listed.
            Reminder.objects.filter(agency=agency, user=None, email__in=chunk).delete()
        StaffListEntry.objects.bulk_create(
            [StaffListEntry(agency=agency, **row) for row in preview.joined], batch_size=1_000
        )
        _update_changed(agency, preview.changed)
        listed.update(row["email"] for row in preview.joined)  # written round the signals
        listed.update(change.email for change in preview.changed)
        upload.status = StaffListUpload.Status.APPLIED
        upload.applied_at = timezone.now()
        upload.joined, upload.left = len(preview.joined), len(preview.left)
        upload.changed, upload.unchanged = len(preview.changed), preview.unchanged
        upload.rows = []
        upload.save()
    return upload


def _update_changed(agency: Agency, changes: list[Change]):
    """Update changed entries in place (keeping when each person was added): one query per
    new job role and team shared by many people (a team renamed, a role regraded), and one
    per changed name, which is rare."""
    by_role_and_team: dict[tuple[str, str], list[str]] = {}
    for change in changes:
        if (change.before["job_role"], change.before["team"]) != (
            change.after["job_role"],
            change.after["team"],
        ):
            by_role_and_team.setdefault((change.after["job_role"], change.after["team"]), []).append(
                change.email
            )
    entries = StaffListEntry.objects.filter(agency=agency)
    for (job_role, team), emails in by_role_and_team.items():
        for chunk in _chunks(emails):
            entries.filter(email__in=chunk).update(job_role=job_role, team=team)
    for change in changes:
        if change.before["name"] != change.after["name"]:
            entries.filter(email=change.email).update(name=change.after["name"])


# The index


def not_registered_counts(agencies) -> dict[int, int]:
    """Per agency, how many people on its list have no account (one query)."""
    User = get_user_model()
    return dict(
        StaffListEntry.objects.filter(agency__in=agencies)
        .filter(~Exists(User.objects.filter(email__iexact=OuterRef("email"))))
        .values_list("agency")
        .annotate(count=Count("pk"))
        .values_list("agency", "count")
    )


def list_counts(agencies) -> dict[int, int]:
    return dict(
        StaffListEntry.objects.filter(agency__in=agencies)
        .values_list("agency")
        .annotate(count=Count("pk"))
        .values_list("agency", "count")
    )
