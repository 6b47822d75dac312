"""What staff miss: per question facility and discrimination, the indicator categories
most often missed, and traffic-light answers against the right colour per age band.

Each learner counts once per quiz: her first submitted attempt (retakes after reading
the explanations would flatter the figures). An attempt belongs to the agency its enrolment
was made in, and to the job role on the learner's profile. Every figure is grouped and
counted by the database.
"""

from collections import defaultdict

from django.db.models import Count, Q

from courses.statistics import FEWER_THAN_FIVE, SMALL_GROUP
from quizzes.marks import COLOURS
from quizzes.models import Attempt, ColourMark, IndicatorMark, Question, Response

UPPER_LOWER_SHARE = 0.27  # the classic upper and lower 27% groups for discrimination


def first_attempts(agencies, period, course=None, job_role=None):
    start, end = period.bounds
    attempts = Attempt.objects.filter(
        number=1, submitted_at__gte=start, submitted_at__lt=end, enrolment__agency__in=agencies
    )
    if course is not None:
        attempts = attempts.filter(quiz__course=course)
    if job_role:
        attempts = attempts.filter(learner__learner_profile__job_role=job_role)
    return attempts


def people(agencies, period, course=None, job_role=None):
    """How many people the figures are about, each once per quiz (their first attempt)."""
    return first_attempts(agencies, period, course, job_role).count()


def small(count):
    return FEWER_THAN_FIVE if 0 < count < SMALL_GROUP else count


def question_statistics(agencies, period, course=None, job_role=None):
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


def missed_categories(agencies, period, course=None, job_role=None):
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


def traffic_light_table(agencies, period, course=None, job_role=None):
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


def by_agency(agencies, period, course=None, job_role=None):
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


def figures(agencies, period, course=None, job_role=None):
    """Everything the page shows, as the tables the exports write: (key, title, headings,
    rows), so the page and the spreadsheets hold the same rows in the same order."""
    tables = [
        (
            "questions",
            "Questions, hardest first",
            ["Question", "People", "Facility index", "Discrimination index"],
            [
                [r["question"], r["people"], r["facility"], r["discrimination"]]
                for r in question_statistics(agencies, period, course, job_role)
            ],
        ),
        (
            "categories",
            "Indicator categories most often missed",
            ["Indicator category", "People", "% of indicators not ticked"],
            [
                [r["category"], r["people"], r["missed"]]
                for r in missed_categories(agencies, period, course, job_role)
            ],
        ),
        (
            "traffic",
            "Traffic light: answers against the right colour, per age band",
            [
                "Age band",
                "People",
                "Right colour",
                "Answered green",
                "Answered amber",
                "Answered red",
                "No answer",
            ],
            [
                [band["band"], band["people"], correct, *cells]
                for band in traffic_light_table(agencies, period, course, job_role)
                for correct, cells in (
                    [("", [None] * 4)]
                    if band["suppressed"]
                    else [(row["correct"].capitalize(), row["cells"]) for row in band["rows"]]
                )
            ],
        ),
    ]
    if agencies.count() > 1:
        tables.append(
            (
                "agencies",
                "Agencies side by side",
                ["Agency", "People", "Share of answers fully right"],
                [
                    [r["agency"], r["people"], r["facility"]]
                    for r in by_agency(agencies, period, course, job_role)
                ],
            )
        )
    return tables
