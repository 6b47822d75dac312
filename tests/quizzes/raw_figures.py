"""What staff miss counted straight from the raw records: the report's code from before the
tallies, kept here only as the yardstick the tallies are checked against (and what
`rebuild_summaries` must agree with). Each function gives what its namesake in
`quizzes.reports` gives."""

from collections import defaultdict

from django.db.models import Count, Q

from courses.statistics import SMALL_GROUP
from quizzes.marks import COLOURS
from quizzes.models import Certainty, ColourMark, IndicatorMark, Question, Response
from quizzes.reports import (
    CATEGORY_LABELS,
    MOST_CONFIDENTLY_WRONG,
    UPPER_LOWER_SHARE,
    _below,
    first_attempts,
    small,
)
from quizzes.scoring import CONFIDENTLY_WRONG_BELOW


def people(agencies, period, course=None, job_role=None):
    return first_attempts(agencies, period, course, job_role).count()


def _texts(ids):
    return dict(Question.objects.non_polymorphic().filter(pk__in=ids).values_list("pk", "text"))


def question_statistics(agencies, period, course=None, job_role=None):
    attempts = first_attempts(agencies, period, course, job_role)
    size = max(1, round(attempts.count() * UPPER_LOWER_SHARE))
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
    texts = _texts([c["question"] for c in counts])
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


def confidently_wrong(agencies, period, course=None, job_role=None, by="question"):
    very_sure = Q(certainty=Certainty.VERY_SURE)
    wrong = very_sure & Q(score__lt=_below(CONFIDENTLY_WRONG_BELOW))
    agency = "attempt__enrolment__agency"
    rows = list(
        Response.objects.filter(attempt__in=first_attempts(agencies, period, course, job_role))
        .values(agency, by)
        .annotate(
            answers=Count("pk"), very_sure=Count("pk", filter=very_sure), wrong=Count("pk", filter=wrong)
        )
        .filter(wrong__gt=0)
        .order_by(agency, "-wrong", by)
    )
    if by == "question":
        texts = _texts([row["question"] for row in rows])
        name = lambda row: texts.get(row["question"], "(deleted question)")  # noqa: E731
    else:
        name = lambda row: CATEGORY_LABELS.get(row["category"], row["category"])  # noqa: E731
    by_agency = defaultdict(list)
    for row in rows:
        by_agency[row[agency]].append(row)
    result = []
    for agency_row in agencies.order_by("sort_order", "name"):
        for row in by_agency[agency_row.pk][:MOST_CONFIDENTLY_WRONG]:
            shown = row["wrong"] >= SMALL_GROUP
            result.append(
                {
                    "agency": agency_row.name,
                    "name": name(row),
                    "wrong": small(row["wrong"]),
                    "very_sure": small(row["very_sure"]),
                    "answers": small(row["answers"]),
                    "share": round(100 * row["wrong"] / row["answers"], 1) if shown else None,
                }
            )
    return result
