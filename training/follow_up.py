"""The impact follow-up: some weeks after any completion (the course's `follow_up_weeks`) the
person is asked whether she has used what she learned. One email, at most one reminder,
answered once; and the figures the partnership reports from the answers.

Sending is safe to repeat. The `FollowUp` row (one per completion) is the claim for the first
email and a conditional update of `reminded_at` the claim for the reminder; each claim is made
in the transaction that sends its email, so a run that fails half-way, a run beside another
and a mail server that refuses all leave each person with one email of each kind at most.
"""

import re
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from smtplib import SMTPException

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from certificates.rendering import site_address
from courses.models import Completion, CoursePage, DeliveryMode
from courses.reporting.tables import Column, Table
from courses.reports import Period
from courses.statistics import FEWER_THAN_FIVE, SMALL_GROUP
from training.models import FollowUp

# A completion is followed up only in the 4 weeks after its follow-up falls due: turning the
# feature on (or a cron that stopped for a while) never emails people trained long ago.
LATE_LIMIT = timedelta(weeks=4)
REMINDER_AFTER = timedelta(days=14)
# The same limit for reminders: no reminder for a follow-up sent long ago.
REMINDER_LIMIT = REMINDER_AFTER + LATE_LIMIT

EMAIL = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")
PHONE = re.compile(r"\+?\(?\d(?:[\s\-().]*\d){9,}")  # 10 or more digits, however spaced


@dataclass
class Outcome:
    sent: int = 0
    reminded: int = 0
    failed: list[int] = field(default_factory=list)  # follow-up or completion ids: retried next run


def _reachable(prefix: str = "") -> Q:
    """Learners who may be emailed: active accounts that were not anonymised."""
    return Q(**{f"{prefix}learner__is_active": True, f"{prefix}learner__anonymisation__isnull": True})


def due(now) -> QuerySet:
    """Completions whose follow-up is due and not yet sent (one query, however many).

    Due means the course's `follow_up_weeks` have passed since completion, by no more than
    `LATE_LIMIT`. A completion followed by a later one of the same course by the same person
    is skipped: the later one is followed up in its turn, so a person who completes a course
    twice within the window is asked once, about the later completion."""
    weeks = CoursePage.objects.order_by().values_list("follow_up_weeks", flat=True).distinct()
    in_window = Q(pk__in=[])
    for count in weeks:
        falls_due = timedelta(weeks=count)
        in_window |= Q(
            course__follow_up_weeks=count,
            completed_at__lte=now - falls_due,
            completed_at__gt=now - falls_due - LATE_LIMIT,
        )
    later = Completion.objects.filter(
        learner=OuterRef("learner"), course=OuterRef("course"), completed_at__gt=OuterRef("completed_at")
    )
    return (
        Completion.objects.filter(in_window, _reachable(), follow_up__isnull=True)
        .exclude(Exists(later))
        .select_related("learner")
        .order_by("completed_at", "pk")
    )


def reminders_due(now) -> QuerySet:
    """Follow-ups sent 14 days ago or more (and within `REMINDER_LIMIT`), neither answered nor
    reminded."""
    return (
        FollowUp.objects.filter(
            _reachable("completion__"),
            answered_at__isnull=True,
            reminded_at__isnull=True,
            sent_at__lte=now - REMINDER_AFTER,
            sent_at__gt=now - REMINDER_LIMIT,
        )
        .select_related("completion__learner")
        .order_by("sent_at", "pk")
    )


def _email(template: str, follow_up_id: int, completion: Completion, address: str) -> None:
    context = {
        "name": completion.learner.first_name,
        "course": completion.course_title,
        "completed_on": timezone.localtime(completion.completed_at).date(),
        "link": address + reverse("training:follow_up", args=[follow_up_id]),
    }
    subject = render_to_string(f"training/email/{template}_subject.txt", context).strip()
    body = render_to_string(f"training/email/{template}.txt", context)
    send_mail(subject, body, None, [completion.learner.email])


def send(now=None) -> Outcome:
    """Send the follow-ups and reminders that are due. A failed email is rolled back with its
    claim and tried again on the next run."""
    now = now or timezone.now()
    address = site_address()
    outcome = Outcome()
    for completion in due(now):
        try:
            with transaction.atomic():
                try:
                    with transaction.atomic():
                        follow_up = FollowUp.objects.create(completion=completion, sent_at=now)
                except IntegrityError:  # another run sent this one
                    continue
                _email("follow_up", follow_up.pk, completion, address)
        except (SMTPException, OSError):
            outcome.failed.append(completion.pk)
            continue
        outcome.sent += 1
    for follow_up in reminders_due(now):
        try:
            with transaction.atomic():
                claimed = FollowUp.objects.filter(
                    pk=follow_up.pk, answered_at__isnull=True, reminded_at__isnull=True
                ).update(reminded_at=now)
                if not claimed:  # answered, or reminded by another run, since the list was read
                    continue
                _email("follow_up_reminder", follow_up.pk, follow_up.completion, address)
        except (SMTPException, OSError):
            outcome.failed.append(follow_up.pk)
            continue
        outcome.reminded += 1
    return outcome


def answer(follow_up: FollowUp, used: str, confidence_now: int, changes: list[str], note: str) -> bool:
    """Record the answers unless the follow-up was answered already (False then, and nothing
    changes): the conditional update makes two submits at once record one answer."""
    return bool(
        FollowUp.objects.filter(pk=follow_up.pk, answered_at__isnull=True).update(
            answered_at=timezone.now(),
            used=used,
            confidence_now=confidence_now,
            changes=changes,
            note=note,
        )
    )


# -- the report --------------------------------------------------------------------------


def sent_in(
    agencies: QuerySet, period: Period, course: CoursePage | None = None, job_role: str | None = None
) -> QuerySet:
    """Follow-ups sent in the period, counted for the agency recorded on their completion."""
    start, end = period.bounds
    scope = FollowUp.objects.filter(completion__agency__in=agencies, sent_at__gte=start, sent_at__lt=end)
    if course:
        scope = scope.filter(completion__course=course)
    if job_role:
        scope = scope.filter(completion__job_role=job_role)
    return scope


def people(
    agencies: QuerySet, period: Period, course: CoursePage | None = None, job_role: str | None = None
) -> int:
    """Whom the figures are about: the people who answered (for `reports.few_left_out`)."""
    return sent_in(agencies, period, course, job_role).filter(answered_at__isnull=False).count()


def _percent(part: int, whole: int) -> float | str:
    return round(100 * part / whole, 1) if whole else ""


def _figures(label: str, rows: list[dict]) -> dict:
    answered = [row for row in rows if row["answered_at"]]
    used = sum(row["used"] in (FollowUp.Used.OFTEN, FollowUp.Used.ONCE) for row in answered)
    ratings = [row["confidence_now"] for row in answered]
    changes = Counter(change for row in answered for change in row["changes"])
    return {
        "group": label,
        "sent": len(rows),
        "answered": len(answered),
        "response_rate": _percent(len(answered), len(rows)),
        "used": used,
        "used_share": _percent(used, len(answered)),
        "median_confidence": statistics.median(ratings) if ratings else "",
        **{f"change_{change}": changes[change] for change in FollowUp.Change.values},
    }


def _withheld(figures: dict) -> dict:
    return {key: (value if key == "group" else FEWER_THAN_FIVE) for key, value in figures.items()}


def protect(groups: list[dict]) -> list[dict]:
    """Withhold the groups with fewer than 5 answers, and then the next smallest groups until
    those withheld hold 5 answers or more between them: otherwise the overall figures minus the
    groups shown would give the figures of the few withheld."""
    small = [g for g in groups if g["answered"] < SMALL_GROUP]
    shown = sorted((g for g in groups if g["answered"] >= SMALL_GROUP), key=lambda g: g["answered"])
    while small and shown and sum(g["answered"] for g in small) < SMALL_GROUP:
        small.append(shown.pop(0))
    hidden = {id(g) for g in small}
    return [_withheld(g) if id(g) in hidden else g for g in groups]


def _column(change: FollowUp.Change) -> Column:
    return Column(f"change_{change.value}", change.label, f"How many answered “{change.label}”.", int)


def _table(key: str, title: str, heading: str, definition: str) -> Table:
    return Table(
        key=key,
        title=title,
        definition=definition,
        empty="No follow-ups were sent in this period.",
        columns=(
            Column("group", heading),
            Column("sent", "Sent", "Follow-up surveys emailed in the period.", int),
            Column("answered", "Answered", "Of those sent, how many have been answered so far.", int),
            Column("response_rate", "Response rate", "Answered ÷ sent.", float, unit="%"),
            Column("used", "Used it", "Answered that they used what they learned (once or more).", int),
            Column("used_share", "Used it (share)", "Used it ÷ answered.", float, unit="%"),
            Column(
                "median_confidence",
                "Median confidence now",
                "The middle rating of confidence now, from 1 (not at all confident) to 5 (very confident).",
                float,
            ),
            *(_column(change) for change in FollowUp.Change),
        ),
    )


SENT_NOTE = (
    "Follow-up surveys sent in the period (some weeks after each completion), whatever the "
    "completion's date. Groups with fewer than 5 answers are withheld, with more if needed so "
    "that no group can be worked out from the others."
)
OVERALL = _table("overall", "All follow-ups", "Follow-ups", SENT_NOTE)
BY_AGENCY = _table(
    "by_agency", "By agency", "Agency", "By the agency recorded on the completion. " + SENT_NOTE
)
BY_COURSE = _table("by_course", "By course", "Course", SENT_NOTE)
BY_MODE = _table("by_mode", "By delivery mode", "Delivery mode", SENT_NOTE)
TABLES = (OVERALL, BY_AGENCY, BY_COURSE, BY_MODE)

MODE_LABELS = dict(DeliveryMode.choices)


def figures(
    agencies: QuerySet, period: Period, course: CoursePage | None = None, job_role: str | None = None
) -> list[Table]:
    """The report's tables for a scope (the page, the downloads and the API): one query."""
    rows = list(
        sent_in(agencies, period, course, job_role)
        .values(
            "answered_at",
            "used",
            "confidence_now",
            "changes",
            agency=F("completion__agency__name"),
            agency_order=F("completion__agency__sort_order"),
            course_title=F("completion__course__title"),
            course_path=F("completion__course__path"),
            mode=F("completion__delivery_mode"),
        )
        .order_by()
    )
    groups = defaultdict(lambda: defaultdict(list))
    for row in rows:
        groups["agency"][(row["agency_order"], row["agency"])].append(row)
        groups["course"][(row["course_path"], row["course_title"])].append(row)
        groups["mode"][(list(MODE_LABELS).index(row["mode"]), MODE_LABELS[row["mode"]])].append(row)

    def breakdown(kind: str) -> list[dict]:
        return protect([_figures(label, members) for (_, label), members in sorted(groups[kind].items())])

    overall = protect([_figures("All", rows)]) if rows else []
    return [
        OVERALL.fill(overall),
        BY_AGENCY.fill(breakdown("agency")),
        BY_COURSE.fill(breakdown("course")),
        BY_MODE.fill(breakdown("mode")),
    ]


def notes(agencies: QuerySet, period: Period, course: CoursePage | None = None) -> QuerySet:
    """The notes of follow-ups sent in the period, with nothing but the course and the month
    they were answered in, newest first."""
    return (
        sent_in(agencies, period, course)
        .exclude(note="")
        .filter(answered_at__isnull=False)
        .values("note", "answered_at", course_title=F("completion__course__title"))
        .order_by("-answered_at", "-pk")
    )
