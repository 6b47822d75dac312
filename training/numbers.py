"""Numbers trained by delivery mode: what seed 001 asks the partnership to count, staff
trained per agency across multi-agency and single-agency training, in one table that the
training numbers page, its downloads, the API and the board pack share.

The rules, which the table's definition states in plain words:

- E-learning and multi-agency sessions count completions (a session's completion is made for
  people who attended or came late), each (person, course) once, in the agency recorded on the
  completion.
- Single-agency training counts the returns delivered in the period: headcounts added up, and
  the people listed once per (email, course or topic); a person listed without an email once
  per entry.
- Total trained counts each person once per course: the (person, course) pairs over both
  kinds of completion, plus the people listed on returns whose email is not that of an account
  already counted for the same course, plus the headcounts (which name nobody, so cannot be
  matched). In an agency's row "already counted" means in that agency's row; in "All agencies"
  it means anywhere in the scope, so that row counts a person once per course even when she was
  trained in the same course for two agencies, and can be less than the rows added up.

Every figure is counted by the database in a fixed number of queries, whatever the number of
agencies, completions or returns. For one agency or all of them and whole months, the people
who completed come from the tallies (`training_tallies.pairs_trained`), so their cost does not
grow with staff; the returns' people are matched against the completions of the period by email
(index lookups per person listed), so they cost what the returns list."""

from typing import Any

from django.db.models import Case, CharField, Count, Exists, OuterRef, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Cast, Concat, Lower

from courses import pairs, training_tallies
from courses.models import CoursePage, DeliveryMode
from courses.reporting.tables import Column, Table
from courses.reports import Period, completions_in
from training.models import ReturnAttendee, ReturnHeadcount

COMPLETED_MODES = (DeliveryMode.E_LEARNING, DeliveryMode.SESSION)

DEFINITION = (
    "E-learning: people who completed a course by e-learning in the period, each person once per "
    "course, counted in the agency recorded when they completed it. "
    "Multi-agency sessions: people who attended a multi-agency session of a course in the period "
    "(arriving late counts; leaving early does not), each person once per course, in the agency "
    "recorded at the session. "
    "Single-agency training: from the returns of training each agency delivered itself in the "
    "period: the numbers of staff given by job role added up, plus the people listed, each once per "
    "email address and course (or topic); a person listed without an email counts once per entry. "
    "With a course chosen, only returns of that course count (a return naming only a topic drops "
    "out). "
    "Total trained: each person once per course in the period. Someone who did the same course by "
    "e-learning and at a session counts once; a person listed on a return counts only if her email "
    "(ignoring capitals) is not that of an account already counted for the same course. Numbers "
    "given by job role cannot be matched to people, so they are added as given and may include "
    "people also counted another way. So the columns can add up to more than the total. "
    "Each agency's row counts the records made for that agency; All agencies counts each person "
    "once per course across every agency, so it can be less than the rows added up (someone "
    "trained in the same course for two agencies). Days are London time."
)

BY_MODE = Table(
    "by_delivery_mode",
    "Staff trained by delivery mode",
    (
        Column("agency", "Agency"),
        Column("e_learning", "E-learning", type=int),
        Column("session", "Multi-agency sessions", type=int),
        Column("single_agency", "Single-agency training", type=int),
        Column("total", "Total trained", type=int),
    ),
    definition=DEFINITION,
)


def _person_and_course():
    """A completion's (person, course) pair as one value the database can count distinct."""
    return Concat(
        Cast("learner_id", CharField()), Value(":"), Cast("course_id", CharField()), output_field=CharField()
    )


def _attendee_key():
    """A listed person's (email, course or topic) as one value: the same person listed twice
    for the same training in the period is one; without an email, each entry is its own."""
    return Case(
        When(email="", then=Concat(Value("entry:"), Cast("pk", CharField()))),
        When(
            training_return__course__isnull=False,
            then=Concat(Lower("email"), Value("|course:"), Cast("training_return__course_id", CharField())),
        ),
        default=Concat(Lower("email"), Value("|topic:"), Lower("training_return__topic")),
        output_field=CharField(),
    )


def _not_yet_counted(completions: QuerySet, same_agency: bool) -> Q:
    """Listed people with no counted completion of the same course by an account with their
    email (in the return's own agency, or anywhere in the scope). Topic-only returns name no
    course, so their people never match."""
    match = completions.filter(
        course=OuterRef("training_return__course"), learner__email__iexact=OuterRef("email")
    )
    if same_agency:
        match = match.filter(agency=OuterRef("training_return__agency"))
    return Q(email="") | ~Exists(match)


def _completed(completions, agencies, period, course, job_role) -> tuple[dict, dict]:
    """The people who completed, each (person, course) once: per agency ({agency: {e_learning,
    session, people}}) and across the agencies (one such dict), from the tallies where the
    scope and period are tallied, else counted from the completions."""
    scope = pairs.tallied_scope(agencies, period)
    if scope is not None:
        trained = training_tallies.pairs_trained(scope, period, course, job_role)
        by_agency = {}
        for measure, counts in trained["by_agency"].items():
            for agency, n in counts.items():
                by_agency.setdefault(agency, dict.fromkeys(trained["anywhere"], 0))[measure] = n
        return by_agency, trained["anywhere"]
    pair = _person_and_course()
    by_completion = {
        "e_learning": Count(pair, distinct=True, filter=Q(delivery_mode=DeliveryMode.E_LEARNING)),
        "session": Count(pair, distinct=True, filter=Q(delivery_mode=DeliveryMode.SESSION)),
        "people": Count(pair, distinct=True),
    }
    rows = completions.values("agency").annotate(**by_completion).order_by()
    by_agency = {row.pop("agency"): row for row in rows}
    return by_agency, completions.aggregate(**by_completion)


def trained_by_mode(
    agencies: QuerySet, period: Period, course: CoursePage | None = None, job_role: str | None = None
) -> dict[str, Any]:
    """{"rows": one dict per agency in the agencies' order, "all_agencies": the footer}, each
    with e_learning, session, single_agency and total. Seven queries."""
    completions = completions_in(agencies, period, course, job_role).filter(delivery_mode__in=COMPLETED_MODES)
    completed, completed_anywhere = _completed(completions, agencies, period, course, job_role)

    delivered = Q(
        training_return__agency__in=agencies,
        training_return__delivered_on__gte=period.start,
        training_return__delivered_on__lte=period.end,
    )
    if course:
        delivered &= Q(training_return__course=course)
    if job_role:
        delivered &= Q(job_role=job_role)
    attendees = ReturnAttendee.objects.filter(delivered).annotate(key=_attendee_key())
    listed = {
        row.pop("training_return__agency"): row
        for row in attendees.values("training_return__agency")
        .annotate(
            listed=Count("key", distinct=True),
            new=Count("key", distinct=True, filter=_not_yet_counted(completions, same_agency=True)),
        )
        .order_by()
    }
    listed_anywhere = attendees.aggregate(
        listed=Count("key", distinct=True),
        new=Count("key", distinct=True, filter=_not_yet_counted(completions, same_agency=False)),
    )
    headcounts = dict(
        ReturnHeadcount.objects.filter(delivered)
        .values_list("training_return__agency")
        .annotate(Sum("number"))
        .order_by()
    )

    def figures(done, named, counted):
        return {
            "e_learning": done["e_learning"],
            "session": done["session"],
            "single_agency": named["listed"] + counted,
            "total": done["people"] + named["new"] + counted,
        }

    nobody = {"e_learning": 0, "session": 0, "people": 0, "listed": 0, "new": 0}
    rows = [
        {
            "agency": agency.name,
            **figures(
                completed.get(agency.pk, nobody),
                listed.get(agency.pk, nobody),
                headcounts.get(agency.pk, 0),
            ),
        }
        for agency in agencies.order_by("sort_order", "name")
    ]
    footer = {
        "agency": "All agencies",
        **figures(completed_anywhere, listed_anywhere, sum(headcounts.values())),
    }
    return {"rows": rows, "all_agencies": footer}


def by_mode_table(
    agencies: QuerySet, period: Period, course: CoursePage | None = None, job_role: str | None = None
) -> Table:
    """The table for a scope, its footer counting the agencies together."""
    trained = trained_by_mode(agencies, period, course, job_role)
    return BY_MODE.fill(trained["rows"], footer=[trained["all_agencies"]])
