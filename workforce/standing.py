"""Staff progress read from marks and tallies kept as records are written, so that the
manager's page costs the same at a million staff as at a thousand. The states are
`workforce.states`' definitions; that module counts them from the records, and the page falls
back to it whenever the tallies cannot answer (`usable`).

Each person of `states.staff` (a staff list entry, or a registered person's profile that is
not on her agency's list) has marks (`StateMark`): spans of days in one state. They are worked
out from what only a write can change (whether she has an account, whether she has an open
enrolment on a required course and when she was last active in them) and from the days she
holds each required course and all of them (her coverage marks' spans, `tallies._marks`). So a
mark stays true on every later day until a write about her: a completion expiring makes a
refresher due 60 days before and overdue after, and 14 days without activity make her stuck,
with nothing written. Each mark adds +1 on its first day and -1 on the day after its last to
`CoverageTally`, under the measure `s_<state>` (and `s_stuck`) at the agency, job role and team
levels: a count on a day is a sum of a few rows per agency however many people.

The marks are counted with the coverage marks (`tallies.recount`, `tallies.rebuild`), in the
writer's transaction and under the same row locks; the writes that change a state and not
coverage (an enrolment, a lesson finished, a survey, a lesson opened on a new day, an account
made, renamed or deleted) call the same recount.
"""

from collections import Counter, defaultdict
from datetime import date, timedelta
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.db.models.functions import Lower
from django.utils import timezone

from courses.exports import in_batches
from courses.models import Enrolment, LessonOpened, LessonProgress, SurveySubmission
from workforce import coverage, states, tallies
from workforce.models import CoverageMark, CoverageTally, StaffListEntry, StateMark

MEASURES = {key: f"s_{key}" for key in (*states.STATES, "stuck")}
SOURCES = {
    states.LIST: CoverageMark.Source.LIST,
    states.REGISTERED: CoverageMark.Source.PROFILE,
}  # marks', tallies'
ORDER = ("name", "email", "source", "person")  # `states.filtered`'s order
SHOWN = ("agency_id", "name", "email", "job_role", "team", "state")  # a page's columns from a mark


class Span(NamedTuple):
    """A state mark as made (`marks`), before it is written: a plain tuple in `COLUMNS`' order,
    which the rebuild copies as it is (making a model instance for each of 100,000 people's
    marks took seconds)."""

    source: str
    person: int
    email: str
    user: int | None
    agency_id: int
    job_role: str
    team: str
    name: str
    state: str
    stuck: bool
    start: date
    end: date


COLUMNS = Span._fields


def model(span: Span) -> StateMark:
    return StateMark(**span._asdict())


# -- making marks -------------------------------------------------------------------------------


def _accounts_by_email(emails: set[str]) -> dict[str, list[int]]:
    """{lower-cased email: its accounts' ids, lowest first}, through the index on lower-cased
    emails. One query."""
    found = get_user_model().objects.annotate(lower_email=Lower("email")).filter(lower_email__in=emails)
    accounts = defaultdict(list)
    for pk, email in found.order_by("pk").values_list("pk", "lower_email"):
        accounts[email].append(pk)
    return accounts


def _activity(accounts: set[int], required: dict[int, list]) -> dict[int, list[tuple[int, object, int]]]:
    """{account id: [(required course id, last activity, lessons done), ...]}: each open
    enrolment of those accounts on a course some agency of `required` requires, with the latest
    of its start, lessons opened and finished and surveys submitted, and its lessons finished
    (`states.annotate_progress`' last activity and lessons done). Four queries, each through
    the accounts' or the enrolments' index."""
    course_ids = {course.pk for courses in required.values() for course in courses}
    enrolments = list(
        Enrolment.objects.filter(
            learner__in=accounts, completed_at__isnull=True, course__in=course_ids
        ).values_list("pk", "learner_id", "course_id", "started_at")
    )
    latest = {pk: started for pk, _, _, started in enrolments}
    done = dict.fromkeys(latest, 0)
    for kind, field in (
        (LessonOpened, "opened_at"),
        (LessonProgress, "completed_at"),
        (SurveySubmission, "submitted_at"),
    ):
        found = kind.objects.filter(enrolment__in=list(latest)).values("enrolment")
        for found_row in found.annotate(at=Max(field), n=Count("pk")).order_by():
            enrolment = found_row["enrolment"]
            if found_row["at"] is not None:
                latest[enrolment] = max(latest[enrolment], found_row["at"])
            if kind is LessonProgress:
                done[enrolment] = found_row["n"]
    result = defaultdict(list)
    for pk, learner, course, _ in enrolments:
        result[learner].append((course, latest[pk], done[pk]))
    return result


def marks(people: list[dict], required: dict[int, list]) -> list[Span]:
    """The state marks of `people` (`tallies._people`, after `tallies._marks` has given each her
    spans): a profile on her agency's staff list has none (the list entry stands for her)."""
    profile_emails = {person["email"] for person in people if person["source"] == tallies.PROFILE}
    listed = set(StaffListEntry.objects.filter(email__in=profile_emails).values_list("agency_id", "email"))
    entry_emails = {person["email"] for person in people if person["source"] == tallies.LIST}
    account_ids = _accounts_by_email(entry_emails)
    profiles = {person["user"] for person in people if person["user"]}
    activity = _activity(profiles | {pk for pks in account_ids.values() for pk in pks}, required)
    made = []
    for person in people:
        if person["source"] == tallies.PROFILE:
            if (person["agency_id"], person["email"]) in listed:
                continue
            source, registered, learners = states.REGISTERED, True, [person["user"]]
        else:
            learners = account_ids.get(person["email"], [])
            source, registered = states.LIST, bool(learners)
        courses = required.get(person["agency_id"], [])
        ids = {course.pk for course in courses}
        open_ones = [at for pk in learners for course, at, _ in activity.get(pk, []) if course in ids]
        fields = {
            "source": source,
            "person": person["pk"],
            "email": person["email"],
            "user": person["user"],
            "agency_id": person["agency_id"],
            "job_role": person["job_role"],
            "team": person["own_team"],
            "name": person["name"],
        }
        for start, end, state, stuck in timeline(registered, open_ones, person["spans"], courses):
            made.append(Span(**fields, state=state, stuck=stuck, start=start, end=end))
    return made


def timeline(registered: bool, open_ones: list, spans: dict, courses: list) -> list[tuple]:
    """A person's state on every day from now on, as spans (first day, first day after, state,
    stuck): `states.annotate_states`' rules, in its order of precedence, day by day."""
    beginning, never = tallies.BEGINNING, tallies.NEVER
    if not registered:
        return [(beginning, never, states.NOT_REGISTERED, False)]
    if open_ones:
        last = max((at for at in open_ones if at is not None), default=None)
        if last is None:
            return [(beginning, never, states.IN_PROGRESS, False)]
        stuck_from = timezone.localtime(last).date() + timedelta(days=states.STUCK_DAYS)
        return [
            (beginning, stuck_from, states.IN_PROGRESS, False),
            (stuck_from, never, states.IN_PROGRESS, True),
        ]
    if not courses:
        return [(beginning, never, states.NOT_STARTED, False)]
    held = [spans[tallies.course_measure(course.pk)] for course in courses]
    covered = spans[tallies.COVERED]
    ahead = timedelta(days=states.REFRESHER_DAYS + 1)  # not covered on this day: a refresher is due
    edges = {beginning}
    for start, end in (span for spans_of in (*held, covered) for span in spans_of):
        edges |= {start, end}
    for start, end in covered:
        edges |= {day - ahead for day in (start, end) if day - beginning > ahead}
    result = []
    for day in sorted(edge for edge in edges if edge < never):
        state = _state_on(day, held, covered, ahead)
        if result and result[-1][2] == state:
            continue
        if result:
            result[-1][1] = day
        result.append([day, never, state, False])
    return [tuple(span) for span in result]


def _within(spans: list[tuple[date, date]], day: date) -> bool:
    return any(start <= day < end for start, end in spans)


def _state_on(day: date, held: list, covered: list, ahead: timedelta) -> str:
    if any(spans and not _within(spans, day) for spans in held):
        return states.OVERDUE  # held a required course once, and does not now
    if _within(covered, day):
        later = day + ahead if tallies.NEVER - day > ahead else tallies.NEVER
        return states.COMPLETED if _within(covered, later) else states.REFRESHER_DUE
    return states.NOT_STARTED


def cells(state_marks, sign: int = 1) -> Counter:
    """What the marks (`Span`s or `StateMark`s) add to the tallies (`sign=-1`: take away), per
    cell (`tallies.CELL`): counted per team, then summed into job roles and agencies."""
    teams = Counter()
    for mark in state_marks:
        source = SOURCES[mark.source]
        for measure in (MEASURES[mark.state], *([MEASURES["stuck"]] if mark.stuck else [])):
            key = (source, mark.agency_id, tallies.TEAM, mark.job_role, mark.team, measure)
            tallies.count_span(teams, key, mark.start, mark.end, sign)
    counts = Counter(teams)
    for (source, agency, _, job_role, _, measure, span, on), n in teams.items():
        counts[source, agency, tallies.ROLE, job_role, "", measure, span, on] += n
        counts[source, agency, tallies.AGENCY, "", "", measure, span, on] += n
    return counts


# -- reading ------------------------------------------------------------------------------------


def usable(agencies) -> bool:
    """Whether the marks were counted against the courses the agencies require now."""
    return tallies.up_to_date(coverage.required_courses(agencies))


def counts(agency_ids: list[int], filters: "states.Filters", day: date) -> dict[str, int]:
    """`states.counts` from the tallies: {state key: n, ..., "stuck": n, "total": n}. One query."""
    level = tallies.TEAM if filters.team else tallies.ROLE if filters.job_role else tallies.AGENCY
    cells_read = CoverageTally.objects.filter(
        source__in=list(SOURCES.values()),
        agency__in=agency_ids,
        level=level,
        measure__in=list(MEASURES.values()),
    )
    if filters.job_role:
        cells_read = cells_read.filter(job_role=filters.job_role)
    if filters.team:
        cells_read = cells_read.filter(team__iexact=filters.team)
    month = day.replace(day=1)
    cells_read = cells_read.filter(Q(span="month", on__lt=month) | Q(span="day", on__gte=month, on__lte=day))
    found = dict(
        cells_read.values("measure").annotate(n=Sum("change")).order_by().values_list("measure", "n")
    )
    result = {key: found.get(measure, 0) for key, measure in MEASURES.items()}
    result["total"] = sum(found.get(MEASURES[key], 0) for key in states.STATES)
    return result


def listed(agency_ids: list[int], filters: "states.Filters", day: date) -> QuerySet:
    """The marks of everyone matching `filters` on `day`, in `states.filtered`'s order."""
    chosen = StateMark.objects.filter(agency__in=agency_ids, start__lte=day, end__gt=day)
    if filters.state == "stuck":
        chosen = chosen.filter(state=states.IN_PROGRESS, stuck=True)
    elif filters.state:
        chosen = chosen.filter(state=filters.state)
    if filters.job_role:
        chosen = chosen.filter(job_role=filters.job_role)
    if filters.team:
        chosen = chosen.filter(team__iexact=filters.team)
    return chosen.order_by(*ORDER)


# -- everyone the page, its downloads and its reminders list ----------------------------------------


def rows_of(agencies: list, keys: list[tuple[str, int]], today: date, marked: bool = True) -> list[dict]:
    """The `states.COLUMNS` of the people `keys` names ((source, id) pairs), in the order of
    `keys`; anyone not among the agencies' staff is left out. Each state is her mark's on
    `today` (`marked`) or, when the marks cannot answer, worked out from the records. With the
    marks, her last activity, lessons done and account are read from the records by a few
    queries through indexes (`_activity`, as the marks are made). Worked out by
    `states.annotate_states` for 50 people, the query took 0.4 s of Python to build (it names
    every required course of every agency three times), and its per-person subqueries ran
    10 ms or 0.5 s at 100,000 staff as PostgreSQL chose its plans."""
    if not keys:
        return []
    wanted = {states.LIST: [], states.REGISTERED: []}
    for source, pk in keys:
        wanted[source].append(pk)
    if not marked:
        on_list, registered = (
            part.filter(pk__in=wanted[source]).values(*states.COLUMNS)
            for part, source in zip(states.staff(agencies, today), wanted, strict=True)
        )
        found = {(row["source"], row["pk"]): row for row in on_list.union(registered, all=True)}
        return [found[key] for key in keys if key in found]
    theirs = Q(pk__in=[])
    for source, pks in wanted.items():
        if pks:
            theirs |= Q(source=source, person__in=pks)
    marks = StateMark.objects.filter(theirs, agency__in=agencies, start__lte=today, end__gt=today)
    marks = list(marks.values("source", "person", "user", *SHOWN))
    required = coverage.required_courses(agencies)
    account_ids = _accounts_by_email({mark["email"] for mark in marks if mark["source"] == states.LIST})
    learners = {mark["user"] for mark in marks if mark["user"]}
    activity = _activity(learners | {pk for pks in account_ids.values() for pk in pks}, required)
    lessons = states.lesson_counts(sorted({course.pk for courses in required.values() for course in courses}))
    found = {}
    for mark in marks:
        listed = mark["source"] == states.LIST
        accounts = account_ids.get(mark["email"], []) if listed else [mark["user"]]
        ids = {course.pk for course in required.get(mark["agency_id"], [])}
        open_ones = [found for pk in accounts for found in activity.get(pk, []) if found[0] in ids]
        shown = mark["state"] == states.IN_PROGRESS  # last activity and lessons, as the records show them
        found[mark["source"], mark["person"]] = {
            **{column: mark[column] for column in ("source", *SHOWN)},
            "pk": mark["person"],
            "user_id": (accounts[0] if accounts else None) if listed else mark["user"],
            "last_activity": max(at for _, at, _ in open_ones) if shown else None,
            "lessons_done": sum(done for _, _, done in open_ones) if shown else None,
            "lessons_total": sum(lessons.get(course, 0) for course, _, _ in open_ones) if shown else None,
        }
    return [{column: found[key][column] for column in states.COLUMNS} for key in keys if key in found]


class Everyone:
    """Everyone of `agencies` matching `filters` on `today`, in name order: counted, sliced a
    page at a time and read in batches, with `counts` by state. Listed from the state marks and
    counted from the tallies when they are up to date (`usable`), each page's rows worked out
    from the records for its 50 people; otherwise listed and counted from the records (a course
    published and not yet counted again by the worker)."""

    def __init__(self, agencies: list, filters: "states.Filters", today: date):
        self.agencies, self.filters, self.today = agencies, filters, today
        self.marked = usable(agencies)
        if self.marked:
            ids = [agency.pk for agency in agencies]
            self.counts = counts(ids, filters, today)
            self.marks = listed(ids, filters, today).values_list("source", "person")
        else:
            parts = states.staff(agencies, today)
            self.counts = states.counts(parts, filters, today)
            self.records = states.filtered(parts, filters, today)

    def count(self) -> int:
        if self.marked:
            return self.counts[self.filters.state or "total"]
        return self.records.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[dict]:
        if self.marked:
            return rows_of(self.agencies, list(self.marks[index]), self.today)
        return list(self.records[index])

    def batches(self):
        """Everyone's rows a batch at a time (`courses.exports.in_batches`)."""
        if not self.marked:
            yield from in_batches(self.records)
            return
        for keys in in_batches(self.marks):
            yield rows_of(self.agencies, keys, self.today)
