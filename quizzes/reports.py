"""What staff miss: per question facility and discrimination, the indicator categories
most often missed, and traffic-light answers against the right colour per age band.

Each learner counts once per quiz: her first submitted attempt (retakes after reading
the explanations would flatter the figures). An attempt belongs to the agency its enrolment
was made in, and to the job role on the learner's profile. Every figure is grouped and
counted by the database.
"""

from collections import defaultdict
from typing import Any

from django.db.models import Count, Q, QuerySet

from courses.models import CoursePage
from courses.reporting.tables import Column, Table
from courses.reports import Period
from courses.statistics import FEWER_THAN_FIVE, SMALL_GROUP
from quizzes.marks import COLOURS
from quizzes.models import Attempt, ColourMark, IndicatorMark, Question, Response

UPPER_LOWER_SHARE = 0.27  # the classic upper and lower 27% groups for discrimination


def first_attempts(
    agencies: QuerySet, period: Period, course: CoursePage | None = None, job_role: str | None = None
) -> QuerySet:
    start, end = period.bounds
    attempts = Attempt.objects.filter(
        number=1, submitted_at__gte=start, submitted_at__lt=end, enrolment__agency__in=agencies
    )
    if course is not None:
        attempts = attempts.filter(quiz__course=course)
    if job_role:
        attempts = attempts.filter(learner__learner_profile__job_role=job_role)
    return attempts


def people(
    agencies: QuerySet, period: Period, course: CoursePage | None = None, job_role: str | None = None
) -> int:
    """How many people the figures are about, each once per quiz (their first attempt)."""
    return first_attempts(agencies, period, course, job_role).count()


def small(count: int) -> int | str:
    return FEWER_THAN_FIVE if 0 < count < SMALL_GROUP else count


def question_statistics(
    agencies: QuerySet, period: Period, course: CoursePage | None = None, job_role: str | None = None
) -> list[dict[str, Any]]:
    """Per question: people, facility (share fully right) and discrimination (facility in
    the top 27% of attempts by score minus facility in the bottom 27%)."""
    attempts = first_attempts(agencies, period, course, job_role)
    size = max(1, round(attempts.count() * UPPER_LOWER_SHARE))
    # Rank by score, ties by id, so the two groups never overlap and never change between runs.
    lower = attempts.order_by("score", "pk").values("pk")[:size]
    upper = attempts.order_by("-score", "-pk").values("pk")[:size]
    right = Q(score=1)
    counts = list(
        Response.objects.filter(attempt__in=attempts)
        .values("question")
        .annotate(
            people=Count("pk"),
            right=Count("pk", filter=right),
            upper=Count("pk", filter=Q(attempt__in=upper)),
            upper_right=Count("pk", filter=right & Q(attempt__in=upper)),
            lower=Count("pk", filter=Q(attempt__in=lower)),
            lower_right=Count("pk", filter=right & Q(attempt__in=lower)),
        )
        .order_by("question")
    )
    texts = dict(
        Question.objects.non_polymorphic()
        .filter(pk__in=[c["question"] for c in counts])
        .values_list("pk", "text")
    )
    result = []
    for count in counts:
        suppressed = count["people"] < SMALL_GROUP
        discrimination = None
        if not suppressed and count["upper"] and count["lower"]:
            discrimination = round(
                count["upper_right"] / count["upper"] - count["lower_right"] / count["lower"], 2
            )
        result.append(
            {
                "question": texts.get(count["question"], "(deleted question)"),
                "people": small(count["people"]),
                "facility": None if suppressed else round(count["right"] / count["people"], 2),
                "discrimination": discrimination,
            }
        )
    return sorted(result, key=lambda r: (r["facility"] is None, r["facility"] or 0))


def missed_categories(
    agencies: QuerySet, period: Period, course: CoursePage | None = None, job_role: str | None = None
) -> list[dict[str, Any]]:
    """Share of real indicators left unticked, per indicator category."""
    rows = (
        IndicatorMark.objects.filter(attempt__in=first_attempts(agencies, period, course, job_role))
        .values("category", "category_label")
        .annotate(
            shown=Count("pk"),
            missed=Count("pk", filter=Q(ticked=False)),
            people=Count("attempt", distinct=True),
        )
        .order_by()
    )
    result = [
        {
            "category": row["category_label"],
            "people": small(row["people"]),
            "missed": None if row["people"] < SMALL_GROUP else round(100 * row["missed"] / row["shown"], 1),
        }
        for row in rows
    ]
    return sorted(result, key=lambda r: (-(r["missed"] or 0), r["category"]))


def traffic_light_table(
    agencies: QuerySet, period: Period, course: CoursePage | None = None, job_role: str | None = None
) -> list[dict[str, Any]]:
    """For each age band: how often each right colour was answered green, amber or red."""
    marks = ColourMark.objects.filter(attempt__in=first_attempts(agencies, period, course, job_role))
    people = dict(marks.values_list("band").annotate(n=Count("attempt", distinct=True)).order_by())
    table = defaultdict(lambda: defaultdict(dict))
    for band, correct, chosen, n in (
        marks.values_list("band", "correct", "chosen").annotate(n=Count("pk")).order_by()
    ):
        table[band][correct][chosen] = n
    return [
        {
            "band": band,
            "people": small(people[band]),
            "suppressed": people[band] < SMALL_GROUP,
            "rows": [
                {
                    "correct": correct,
                    "cells": [small(table[band][correct].get(c, 0)) for c in (*COLOURS, "none")],
                }
                for correct in COLOURS
                if correct in table[band]
            ],
        }
        for band in sorted(table)
    ]


def by_agency(
    agencies: QuerySet, period: Period, course: CoursePage | None = None, job_role: str | None = None
) -> list[dict[str, Any]]:
    """One row per agency, side by side: people who took a quiz and the share of their
    answers that were fully right."""
    rows = {
        row["attempt__enrolment__agency"]: row
        for row in Response.objects.filter(attempt__in=first_attempts(agencies, period, course, job_role))
        .values("attempt__enrolment__agency")
        .annotate(
            people=Count("attempt", distinct=True), answers=Count("pk"), right=Count("pk", filter=Q(score=1))
        )
        .order_by()
    }
    result = []
    for agency in agencies.order_by("sort_order", "name"):
        row = rows.get(agency.pk, {"people": 0, "answers": 0, "right": 0})
        shown = row["people"] >= SMALL_GROUP
        result.append(
            {
                "agency": agency.name,
                "people": small(row["people"]),
                "facility": round(row["right"] / row["answers"], 2) if shown else None,
            }
        )
    return result


QUESTIONS = Table(
    "questions",
    "Questions, hardest first",
    (
        Column("question", "Question"),
        Column("people", "People", type=int),
        Column(
            "facility",
            "Facility index",
            "The share who answered fully right (0 to 1).",
            type=float,
        ),
        Column(
            "discrimination",
            "Discrimination index",
            "Facility in the top 27% of scorers minus facility in the bottom 27%.",
            type=float,
        ),
    ),
    definition="The facility index is the share who answered fully right (0 to 1). The discrimination "
    "index compares the top and bottom 27% of scorers: near 0 or negative means the question does "
    "not separate people who know from people who do not.",
    empty="No answers in this period.",
)
CATEGORIES = Table(
    "categories",
    "Indicator categories most often missed",
    (
        Column("category", "Indicator category"),
        Column("people", "People", type=int),
        Column("missed", "% of indicators not ticked", type=float),
    ),
    definition="How often real indicators of each kind were left unticked in “spot the indicators” "
    "questions.",
    empty="No answers in this period.",
)
TRAFFIC = Table(
    "traffic",
    "Traffic light: answers against the right colour, per age band",
    (
        Column("band", "Age band"),
        Column("people", "People", type=int),
        Column("correct", "Right colour"),
        *(Column(colour, f"Answered {colour}", type=int) for colour in COLOURS),
        Column("none", "No answer", type=int),
    ),
    definition="For traffic-light questions, how often each right colour was answered green, amber or "
    "red, per age band. Age bands with fewer than 5 people are not broken down.",
    empty="No answers in this period.",
)
AGENCIES = Table(
    "agencies",
    "Agencies side by side",
    (
        Column("agency", "Agency"),
        Column("people", "People", type=int),
        Column("facility", "Share of answers fully right", type=float),
    ),
    definition="One row per agency: people who took a quiz and the share of their answers that were "
    "fully right.",
    empty="No answers in this period.",
)
TABLES = (QUESTIONS, CATEGORIES, TRAFFIC, AGENCIES)


def _traffic_rows(bands):
    """A row per right colour in each age band; one row with no breakdown for a small band."""
    for band in bands:
        if band["suppressed"]:
            yield {"band": band["band"], "people": band["people"], "correct": ""} | dict.fromkeys(
                (*COLOURS, "none")
            )
            continue
        for row in band["rows"]:
            cells = dict(zip((*COLOURS, "none"), row["cells"], strict=True))
            yield {
                "band": band["band"],
                "people": band["people"],
                "correct": row["correct"].capitalize(),
            } | cells


def figures(
    agencies: QuerySet, period: Period, course: CoursePage | None = None, job_role: str | None = None
) -> list[Table]:
    """Everything the page shows, as its tables: the page, the spreadsheets and the API hold
    the same rows in the same order. Agencies side by side only when there are several."""
    tables = [
        QUESTIONS.fill(question_statistics(agencies, period, course, job_role)),
        CATEGORIES.fill(missed_categories(agencies, period, course, job_role)),
        TRAFFIC.fill(_traffic_rows(traffic_light_table(agencies, period, course, job_role))),
    ]
    if agencies.count() > 1:
        tables.append(AGENCIES.fill(by_agency(agencies, period, course, job_role)))
    return tables
