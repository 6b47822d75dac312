"""What staff miss counted straight from the raw records: the report's code from before the
tallies, kept here only as the yardstick the tallies are checked against (and what
`rebuild_summaries` must agree with). Each function gives what its namesake in
`quizzes.reports` gives."""

from collections import defaultdict
from fractions import Fraction

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


def _places(scores, size, highest):
    """Each attempt's share of a group of `size`, from the ranking itself: the attempts of one
    score take consecutive places in the order, and share those of them inside the group."""
    order = sorted(scores.values(), reverse=highest)
    share = {}
    for score in set(order):
        first = order.index(score)
        block = order.count(score)
        share[score] = Fraction(max(0, min(first + block, size) - first), block)
    return {attempt: share[score] for attempt, score in scores.items()}


def question_statistics(agencies, period, course=None, job_role=None):
    attempts = first_attempts(agencies, period, course, job_role)
    scores = dict(attempts.values_list("pk", "score"))
    size = max(1, round(len(scores) * UPPER_LOWER_SHARE))
    upper, lower = _places(scores, size, True), _places(scores, size, False)
    counts = defaultdict(lambda: defaultdict(Fraction))
    for attempt, question, score in Response.objects.filter(attempt__in=attempts).values_list(
        "attempt", "question", "score"
    ):
        count = counts[question]
        right = score == 1
        count["people"] += 1
        count["right"] += right
        count["upper"] += upper[attempt]
        count["upper_right"] += upper[attempt] * right
        count["lower"] += lower[attempt]
        count["lower_right"] += lower[attempt] * right
    texts = _texts([q for q in counts if q is not None])
    result = []
    for question in sorted(counts, key=lambda q: (q is None, q or 0)):
        count = counts[question]
        suppressed = count["people"] < SMALL_GROUP
        discrimination = None
        if not suppressed and count["upper"] and count["lower"]:
            difference = count["upper_right"] / count["upper"] - count["lower_right"] / count["lower"]
            discrimination = float(round(difference, 2))
        result.append(
            {
                "question": texts.get(question, "(deleted question)"),
                "people": small(int(count["people"])),
                "facility": None if suppressed else round(int(count["right"]) / int(count["people"]), 2),
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


def confidently_wrong_categories(agencies, period, top=5):
    """The board pack's categories most often confidently wrong, the agencies together."""
    very_sure = Q(certainty=Certainty.VERY_SURE)
    wrong = very_sure & Q(score__lt=_below(CONFIDENTLY_WRONG_BELOW))
    rows = (
        Response.objects.filter(attempt__in=first_attempts(agencies, period))
        .values("category")
        .annotate(answers=Count("pk"), very_sure=Count("pk", filter=very_sure), wrong=Count("pk", filter=wrong))
        .filter(wrong__gt=0)
        .order_by("-wrong", "category")[:top]
    )
    return [
        {
            "name": CATEGORY_LABELS.get(row["category"], row["category"]),
            "wrong": small(row["wrong"]),
            "very_sure": small(row["very_sure"]),
            "answers": small(row["answers"]),
            "share": round(100 * row["wrong"] / row["answers"], 1) if row["wrong"] >= SMALL_GROUP else None,
        }
        for row in rows
    ]
