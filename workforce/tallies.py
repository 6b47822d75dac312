"""Coverage counted from tallies kept as records are written, so that a coverage figure costs
the same at a million staff as at a thousand. The definitions are `workforce.coverage`'s; this
module counts the same thing another way, and `coverage` falls back to counting the records
whenever the tallies cannot answer.

Each person (a staff list entry, or a registered person's profile) is counted as spans of days
(`CoverageMark`): the days she holds each of her agency's required courses (a completion from
its London day to its `expires_on`, single-agency training from the delivery date to the same
date plus the course's refresher months, overlapping spans joined), the days she holds all of
them ("covered"), and every day ("people": the workforce of a staff list, the staff registered
of a headcount). A profile is counted only from the day she registered (`counted_from`): each
span adds +1 on its first day counted and -1 on the day after its last, by day and by month,
at three levels of detail (`CoverageTally`): a count on a day is a sum of about 90 rows per
measure and group. The marks also say who is not covered, and what each person misses
(`workforce.reports.people_not_covered`).

- `recount(emails, user_ids)`: the people with those emails (and those accounts' profiles)
  counted again, in the caller's transaction with their rows locked. Signals call it when a
  completion, profile, staff list entry, return or attendee is saved or deleted, or an account's
  email changes; writes round them (a staff list applied, a return's list, anonymisation) call
  it themselves. Profiles made in bulk and `QuerySet.update`s need `rebuild`, as for `courses.pairs`.
- `rebuild(agency_ids)`: every mark of those agencies (or of all) counted again. A course
  published, withdrawn or given new refresher months changes what agencies require: the marks
  then no longer match `CoverageBasis`, coverage is counted from the records, and a task
  (`rebuild_agencies`) counts them again.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import reset_queries, transaction
from django.db.models import Exists, OuterRef, Q, Sum
from django.db.models.functions import Lower
from django.utils import timezone
from django_tasks import task

from cms.bulk import BulkWriter, runs_of_ids
from cms.dates import add_months
from cms.models import Agency
from courses.models import Completion, CoursePage, LearnerProfile
from courses.pairs import add_counts
from training.models import ReturnAttendee
from workforce import coverage, standing, states
from workforce.models import CoverageBasis, CoverageMark, CoverageTally, StaffListEntry, StateMark

LIST, PROFILE = CoverageMark.Source.LIST, CoverageMark.Source.PROFILE
BEGINNING, NEVER = date(1, 1, 1), date(9999, 12, 31)
PEOPLE, COVERED = "people", "covered"
AGENCY, ROLE, TEAM = 0, 1, 2  # levels: the agency, its job roles, its job roles and teams
LEVELS = {LIST: (AGENCY, ROLE, TEAM), PROFILE: (ROLE,)}  # headcounts are per job role
CELL = ("source", "agency", "level", "job_role", "team", "measure", "span", "on")
CHUNK = 2000  # people per read when rebuilding


def course_measure(course_id: int) -> str:
    return f"c{course_id}"


def basis_of(courses: Sequence[CoursePage]) -> list[list[int]]:
    """What an agency's marks depend on: its required courses and their refresher months."""
    return [[course.pk, course.refresher_months] for course in courses]


# -- spans of days ------------------------------------------------------------------------------


def joined(spans: Iterable[tuple[date, date]]) -> list[tuple[date, date]]:
    """Spans [first day, first day after) with overlapping or touching ones joined, in order."""
    result: list[list[date]] = []
    for start, end in sorted(spans):
        if start >= end:
            continue
        if result and start <= result[-1][1]:
            result[-1][1] = max(result[-1][1], end)
        else:
            result.append([start, end])
    return [(start, end) for start, end in result]


def overlap(first: list[tuple[date, date]], second: list[tuple[date, date]]) -> list[tuple[date, date]]:
    """The days in both lists of joined spans."""
    result, i, j = [], 0, 0
    while i < len(first) and j < len(second):
        start, end = max(first[i][0], second[j][0]), min(first[i][1], second[j][1])
        if start < end:
            result.append((start, end))
        if first[i][1] < second[j][1]:
            i += 1
        else:
            j += 1
    return result


# -- marks --------------------------------------------------------------------------------------


def _profiles():
    """Profiles with their account's email as counted (an administrator's account may have
    capitals; staff lists and marks are lower-case)."""
    return LearnerProfile.objects.annotate(lower_email=Lower("user__email"))


def _people(entries: Q, profiles: Q) -> list[dict]:
    """The staff list entries and profiles chosen (`profiles` may name `lower_email`), each as
    what its marks need."""
    people = [
        {"source": LIST, "user": None, **row, "own_team": row["team"]}
        for row in StaffListEntry.objects.filter(entries).values(
            "pk", "email", "name", "agency_id", "job_role", "team"
        )
    ]
    profiles = (
        _profiles()
        .filter(profiles)
        .values(
            "pk",
            "user_id",
            "agency_id",
            "job_role",
            "team",
            "created_at",
            "lower_email",
            "user__first_name",
            "user__last_name",
        )
    )
    zone = timezone.get_current_timezone()
    for row in profiles:
        people.append(
            {
                "source": PROFILE,
                "pk": row["pk"],
                "user": row["user_id"],
                "email": row["lower_email"],
                "name": f"{row['user__first_name']} {row['user__last_name']}",
                "agency_id": row["agency_id"],
                "job_role": row["job_role"],
                "team": "",  # headcounts are per job role
                "own_team": row["team"],  # what staff progress filters by
                "registered": timezone.localtime(row["created_at"], zone).date(),
            }
        )
    return people


def _marks(people: list[dict], required: dict[int, list[CoursePage]]) -> list[CoverageMark]:
    """Each person's spans: a profile holds a course by her account's completions, a staff list
    entry by the completions of any account with its email; both by single-agency training
    listed under their email (as `coverage.holding_current` counts them)."""
    emails = {person["email"] for person in people}
    user_ids = {person["user"] for person in people if person["user"]}
    months = {course.pk: course.refresher_months for courses in required.values() for course in courses}
    # Accounts by email first, then completions by account: each read through an index.
    accounts = get_user_model().objects.annotate(lower_email=Lower("email")).filter(lower_email__in=emails)
    email_of = dict(accounts.values_list("pk", "lower_email"))
    by_user, by_email = defaultdict(list), defaultdict(list)
    completions = Completion.objects.filter(learner_id__in=user_ids | set(email_of), course_id__in=months)
    zone = timezone.get_current_timezone()
    for learner, course, completed_at, expires_on in completions.values_list(
        "learner_id", "course_id", "completed_at", "expires_on"
    ):
        span = (course, timezone.localtime(completed_at, zone).date(), expires_on + timedelta(days=1))
        by_user[learner].append(span)
        if learner in email_of:
            by_email[email_of[learner]].append(span)
    trained = defaultdict(list)
    attendees = (
        ReturnAttendee.objects.annotate(lower_email=Lower("email"))
        .filter(lower_email__in=emails, training_return__course_id__in=months)
        .values_list("lower_email", "training_return__course_id", "training_return__delivered_on")
    )
    for email, course, delivered_on in attendees:
        last = add_months(delivered_on, months[course])
        trained[email].append((course, delivered_on, last + timedelta(days=1)))
    marks = []
    for person in people:
        courses = required.get(person["agency_id"], [])
        held = by_user[person["user"]] if person["source"] == PROFILE else by_email[person["email"]]
        spans = {PEOPLE: [(BEGINNING, NEVER)]}
        all_of = [(BEGINNING, NEVER)] if courses else []  # an agency requiring nothing covers nobody
        for course in courses:
            held_here = [(s, e) for c, s, e in held + trained[person["email"]] if c == course.pk]
            spans[course_measure(course.pk)] = joined(held_here)
            all_of = overlap(all_of, spans[course_measure(course.pk)])
        spans[COVERED] = all_of
        person["spans"] = spans  # what her state on each day follows from (`workforce.standing`)
        fields = {key: person[key] for key in ("source", "email", "user", "agency_id", "job_role", "team")}
        fields["counted_from"] = person["registered"] if person["source"] == PROFILE else BEGINNING
        for measure, found in spans.items():
            marks.extend(CoverageMark(**fields, measure=measure, start=s, end=e) for s, e in found)
    return marks


def _cells(marks: Iterable[CoverageMark], sign: int = 1) -> Counter:
    """What the marks add to the tallies (`sign=-1`: take away), per cell (`CELL`)."""
    counts = Counter()
    for mark in marks:
        start = max(mark.start, mark.counted_from)
        if start >= mark.end:
            continue  # held only before she registered
        for level in LEVELS[mark.source]:
            job_role = mark.job_role if level >= ROLE else ""
            team = mark.team if level == TEAM else ""
            key = (mark.source, mark.agency_id, level, job_role, team, mark.measure)
            count_span(counts, key, start, mark.end, sign)
    return counts


def count_span(counts: Counter, key: tuple, start: date, end: date, sign: int) -> None:
    """One span [start, end) in the cells of `key` (a cell without its span and day): +1 on its
    first day and -1 on the day after its last (`sign=-1`: taken away), by day and by month."""
    for day, change in ((start, sign), (end, -sign)):
        if day == NEVER:
            continue
        counts[(*key, "day", day)] += change
        counts[(*key, "month", day.replace(day=1))] += change


def _required(agency_ids: Iterable[int]) -> dict[int, list[CoursePage]]:
    return coverage.required_courses(Agency.objects.filter(pk__in=set(agency_ids)))


def recount(emails: Iterable[str] = (), user_ids: Iterable[int] = ()) -> None:
    """Count again the people with these emails and these accounts' profiles, in the caller's
    transaction. Their entries and profiles are locked first, so two writes about one person
    queue up rather than both taking away her old marks."""
    user_ids = sorted({int(pk) for pk in user_ids if pk is not None})
    emails = {email.lower() for email in emails if email}
    if user_ids:
        accounts = get_user_model().objects.filter(pk__in=user_ids)
        emails |= {email.lower() for email in accounts.values_list("email", flat=True) if email}
    if not emails and not user_ids:
        return
    emails = sorted(emails)
    for start in range(0, max(len(emails), 1), CHUNK):  # a whole staff list applied at once
        _recount(emails[start : start + CHUNK], user_ids if start == 0 else [])


def _recount(emails: list[str], user_ids: list[int]) -> None:
    entries = Q(email__in=emails)
    profiles = Q(user_id__in=user_ids) | Q(lower_email__in=emails)
    with transaction.atomic():
        list(StaffListEntry.objects.select_for_update().filter(entries).order_by("pk").values("pk"))
        list(_profiles().select_for_update(of=("self",)).filter(profiles).order_by("pk").values("pk"))
        theirs = Q(email__in=emails) | Q(user__in=user_ids)
        stored, stored_states = CoverageMark.objects.filter(theirs), StateMark.objects.filter(theirs)
        counts = _cells(stored, -1)
        counts.update(standing.cells(stored_states, -1))
        stored.delete()
        stored_states.delete()
        people = _people(entries, profiles)
        required = _required(person["agency_id"] for person in people)
        marks = _marks(people, required)
        CoverageMark.objects.bulk_create(marks)
        counts.update(_cells(marks))
        state_marks = standing.marks(people, required)
        StateMark.objects.bulk_create(standing.model(span) for span in state_marks)
        counts.update(standing.cells(state_marks))
        add_counts(CoverageTally, CELL, counts, "change")


def person_changed(sender, instance, raw=False, **kwargs):
    """A completion saved or deleted, or a profile: that account's person counted again."""
    if not raw:
        recount(user_ids=[instance.learner_id if sender is Completion else instance.user_id])


# A mark's columns as the rebuild writes them (`_mark_row`).
MARK_COLUMNS = (
    *("source", "email", "user", "agency_id", "job_role", "team"),
    *("measure", "start", "end", "counted_from"),
)


def _mark_row(mark: CoverageMark) -> tuple:
    return tuple(getattr(mark, name) for name in MARK_COLUMNS)


def rebuild(agency_ids: Iterable[int] | None = None) -> None:
    """Every mark and tally of these agencies (all when None) counted again from the records,
    in one transaction, a chunk of people at a time; and each agency's basis recorded."""
    with transaction.atomic():
        marks = CoverageMark.objects.all()
        state_marks = StateMark.objects.all()
        tallies = CoverageTally.objects.all()
        agencies = Agency.objects.all()
        if agency_ids is not None:
            agency_ids = list(agency_ids)
            marks, tallies = marks.filter(agency__in=agency_ids), tallies.filter(agency__in=agency_ids)
            state_marks = state_marks.filter(agency__in=agency_ids)
            agencies = agencies.filter(pk__in=agency_ids)
        marks.delete()
        state_marks.delete()
        tallies.delete()
        required = _required(agencies.values_list("pk", flat=True))
        counts = Counter()
        write = BulkWriter(timezone.now())  # COPY: Django's bulk_create took a third of the time
        for model, source in ((StaffListEntry, LIST), (LearnerProfile, PROFILE)):
            counted = Q(agency__in=list(required))
            for run in runs_of_ids(model.objects.filter(counted), CHUNK):
                chunk = run & counted
                people = _people(chunk, Q(pk__in=[])) if source == LIST else _people(Q(pk__in=[]), chunk)
                made = _marks(people, required)
                write(CoverageMark, MARK_COLUMNS, (_mark_row(m) for m in made))
                counts.update(_cells(made))
                made = standing.marks(people, required)
                write(StateMark, standing.COLUMNS, made)
                counts.update(standing.cells(made))
                reset_queries()  # see `cms.bulk`
        add_counts(CoverageTally, CELL, counts, "change")
        for agency_id, courses in required.items():
            CoverageBasis.objects.update_or_create(
                agency_id=agency_id, defaults={"courses": basis_of(courses)}
            )


@task()
def rebuild_agencies(agency_ids: list[int]) -> None:
    """The worker's turn after a course changed what agencies require (`course_changed`):
    nothing to do if an earlier turn counted them against what they require now (publishing
    ten courses queues ten turns)."""
    if not up_to_date(_required(agency_ids)):
        rebuild(agency_ids)


def up_to_date(required: dict[int, list[CoursePage]]) -> bool:
    """Whether every agency's marks were counted against the courses it requires now. One query."""
    stored = dict(CoverageBasis.objects.filter(agency__in=list(required)).values_list("agency", "courses"))
    return all(stored.get(agency_id) == basis_of(courses) for agency_id, courses in required.items())


# -- reading ------------------------------------------------------------------------------------


def grouped(
    source: str,
    agency_ids: Sequence[int],
    days: Sequence[date],
    fields: Sequence[str],
    job_roles: Sequence[str] = (),
    courses: Iterable[int] = (),
) -> list[dict]:
    """The counts `coverage._counts` reads, from the tallies: one dict per group (`fields`, of
    "agency", "job_role" and "team") with `people_<i>`, `covered_<i>` and, for each of
    `courses` (no others), `course_<i>_<id>` for each of `days` (0 when nobody ever counted).
    One query."""
    level = TEAM if "team" in fields else ROLE if ("job_role" in fields or job_roles) else AGENCY
    courses = list(courses)
    measures = [PEOPLE, COVERED, *(course_measure(pk) for pk in courses)]
    cells = CoverageTally.objects.filter(source=source, agency__in=agency_ids, level=level)
    cells = cells.filter(measure__in=measures)
    if job_roles:
        cells = cells.filter(job_role__in=job_roles)
    sums, read = {}, Q(pk__in=[])
    for index, day in enumerate(days):
        month = day.replace(day=1)
        before = Q(span="month", on__lt=month) | Q(span="day", on__gte=month, on__lte=day)
        sums[f"d{index}"] = Sum("change", filter=before, default=0)
        read |= before
    # Only the rows some day counts: a group's day rows of other months (up to one a day of
    # its history, more of them the more staff) are passed over in the index.
    cells = cells.filter(read)
    names = [PEOPLE, COVERED, *(f"course_{pk}" for pk in courses)]
    rows: dict = {}
    for cell in cells.values(*fields, "measure").annotate(**sums).order_by():
        group = tuple(cell[f] for f in fields)
        row = rows.get(group)
        if row is None:
            row = rows[group] = dict(zip(fields, group, strict=True))
            row.update({coverage.on_day(name, i): 0 for name in names for i in range(len(days))})
        measure = cell["measure"]
        name = measure if measure in (PEOPLE, COVERED) else f"course_{measure[1:]}"
        row.update({coverage.on_day(name, i): cell[f"d{i}"] for i in range(len(days))})
    return list(rows.values())


def holds(source: str, measure: str, day: date, ever: bool = False) -> Exists:
    """Whether the staff list entry (`source` LIST) or profile of the outer query held the
    measure on `day` (or, `ever`, on or before it), from its marks: the entry by its email in
    its agency, the profile by its account."""
    if source == LIST:
        marks = CoverageMark.objects.filter(source=LIST, email=OuterRef("email"), agency=OuterRef("agency"))
    else:
        marks = CoverageMark.objects.filter(source=PROFILE, user=OuterRef("user_id"))
    marks = marks.filter(measure=measure, start__lte=day)
    return Exists(marks if ever else marks.filter(end__gt=day))


def held_on(source: str, people: list, course_ids: list[int], day: date) -> dict[tuple[int, int], tuple]:
    """{(person's id, course id): (holds it on `day`, held it on or before)} for staff list
    entries (`source` LIST) or profiles, from their marks. One query."""
    marks = CoverageMark.objects.filter(
        source=source, measure__in=[course_measure(pk) for pk in course_ids], start__lte=day
    )
    if source == LIST:
        whose = {(entry.email, entry.agency_id): entry.pk for entry in people}
        marks = marks.filter(email__in={email for email, _ in whose})
        key = lambda mark: whose.get((mark[0], mark[1]))  # noqa: E731
    else:
        whose = {profile.user_id: profile.pk for profile in people}
        marks = marks.filter(user__in=list(whose))
        key = lambda mark: whose.get(mark[2])  # noqa: E731
    held = {(person.pk, pk): (False, False) for person in people for pk in course_ids}
    for mark in marks.values_list("email", "agency", "user", "measure", "end"):
        person, course = key(mark), int(mark[3][1:])
        if person is not None:
            held[person, course] = (held[person, course][0] or mark[4] > day, True)
    return held


def not_covered_counts(
    source: str,
    agency_ids: Sequence[int],
    day: date,
    roles: dict[int, list[str]] | None,
    job_role: str | None,
) -> dict[int, int]:
    """{agency id: how many of its people are not covered on `day`}: those on its staff list
    (`source` LIST), or its registered staff in the job roles `roles` names for it, less those
    covered. One query."""
    fields = ["agency"] if roles is None else ["agency", "job_role"]
    counts = dict.fromkeys(agency_ids, 0)
    for row in grouped(source, agency_ids, [day], fields, (job_role,) if job_role else ()):
        if roles is None or row["job_role"] in roles.get(row["agency"], ()):
            counts[row["agency"]] += row["people_0"] - row["covered_0"]
    return counts


# -- signals (connected in `workforce.apps`) ------------------------------------------------------

_batch: ContextVar[set[str] | None] = ContextVar("coverage_batch", default=None)


@contextmanager
def batched():
    """Within it, the people that writes name are recounted once at the end (a staff list
    applied, a return's list replaced) rather than once per row; it gives the set of emails to
    add those written round the signals (`bulk_create`) to. Nothing is recounted if it fails."""
    if _batch.get() is not None:
        yield _batch.get()
        return
    emails: set[str] = set()
    token = _batch.set(emails)
    try:
        yield emails
    finally:
        _batch.reset(token)
    recount(emails)


def _changed(emails: Iterable[str]) -> None:
    waiting = _batch.get()
    if waiting is None:
        recount(emails)
    else:
        waiting.update(emails)


def entry_changed(sender, instance, raw=False, **kwargs):
    """A staff list entry or a return's attendee saved or deleted: its person counted again."""
    if not raw:
        _changed([instance.email])


def return_saved(sender, instance, raw=False, **kwargs):
    """A return's date or course may have changed: the people it lists counted again."""
    if not raw:
        _changed(instance.attendees.values_list("email", flat=True))


def remember_email(sender, instance, raw=False, **kwargs):
    """Before an account is saved: the email and names it has in the database, to see whether
    they change."""
    instance._coverage_was = None
    if not raw and instance.pk is not None:
        fields = ("email", "first_name", "last_name")
        instance._coverage_was = sender.objects.filter(pk=instance.pk).values_list(*fields).first()


def account_saved(sender, instance, created=False, raw=False, **kwargs):
    """A new account (a staff list entry with its email is registered now), a changed email
    (entries are matched to accounts by it) or new names (staff progress lists people by name)."""
    if raw:
        return
    was = getattr(instance, "_coverage_was", None)
    if created:
        recount([instance.email], [instance.pk])
    elif was is not None and was[0].lower() != (instance.email or "").lower():
        recount([was[0]], [instance.pk])
    elif was is not None and was[1:] != (instance.first_name, instance.last_name):
        recount(user_ids=[instance.pk])


def account_deleted(sender, instance, **kwargs):
    """An account deleted: a staff list entry with its email is no longer registered."""
    recount([instance.email], [instance.pk])


def lesson_opened(sender, enrolment, **kwargs):
    """A lesson opened (`courses.services.lesson_opened`): she was active today, so she is stuck
    14 days from today if she stays in progress. Counted again unless her marks say so already
    (so only the first lesson she opens on a day costs a recount; any other costs one query)."""
    stuck_from = timezone.localdate() + timedelta(days=states.STUCK_DAYS)
    learner = enrolment.learner_id
    account = get_user_model().objects.filter(pk=learner).values(lower_email=Lower("email"))
    theirs = Q(user=learner) | Q(email__in=account)
    if not StateMark.objects.filter(theirs, state=states.IN_PROGRESS, stuck=True, start=stuck_from).exists():
        recount(user_ids=[learner])


def learning_changed(sender, instance, raw=False, **kwargs):
    """An enrolment, a lesson opened or finished, or a survey saved or deleted: whether its
    learner is in progress, and when she was last active, may have changed."""
    if not raw:
        learner = instance.learner_id if hasattr(instance, "learner_id") else instance.enrolment.learner_id
        recount(user_ids=[learner])


def agency_made(sender, instance, created=False, raw=False, **kwargs):
    """A new agency: its (empty) tallies counted against the courses it requires, so that its
    coverage is read from them."""
    if created and not raw:
        transaction.on_commit(lambda: rebuild_agencies.enqueue([instance.pk]))


def course_changed(sender, instance, **kwargs):
    """A course published, withdrawn or deleted may change what agencies require: their marks are
    counted again by the worker once the change is committed (coverage is counted from the
    records meanwhile, as `up_to_date` says)."""
    everyone = instance.agency_id is None  # a multi-agency course is required of every agency
    agencies = list(Agency.objects.values_list("pk", flat=True)) if everyone else [instance.agency_id]
    transaction.on_commit(lambda: rebuild_agencies.enqueue(agencies))
