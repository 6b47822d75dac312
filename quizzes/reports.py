"""What staff miss: per question facility and discrimination, the indicator categories
most often missed, and traffic-light answers against the right colour per age band.

Each learner counts once per quiz: her first submitted attempt (retakes after reading
the explanations would flatter the figures). People belong to the agency on their profile.
"""

from collections import defaultdict

from django.db.models import Count, Q

from courses.statistics import FEWER_THAN_FIVE, SMALL_GROUP
from quizzes.models import Attempt, Question, Response

UPPER_LOWER_SHARE = 0.27  # the classic upper and lower 27% groups for discrimination


def first_attempts(agencies, period, course=None):
    start, end = period.bounds
    attempts = Attempt.objects.filter(
        number=1, submitted_at__gte=start, submitted_at__lt=end, learner__learner_profile__agency__in=agencies
    )
    if course is not None:
        attempts = attempts.filter(quiz__course=course)
    return attempts


def small(count):
    return FEWER_THAN_FIVE if 0 < count < SMALL_GROUP else count


def question_statistics(agencies, period, course=None):
    attempts = first_attempts(agencies, period, course)
    responses = Response.objects.filter(attempt__in=attempts)
    counts = list(
        responses.values("question")
        .annotate(people=Count("pk"), right=Count("pk", filter=Q(score=1)))
        .order_by("question")
    )
    scores = dict(attempts.values_list("pk", "score"))
    rows = responses.values_list("question", "attempt", "score")
    by_question = defaultdict(dict)
    for question, attempt, score in rows:
        by_question[question][attempt] = score == 1
    ranked = sorted(scores, key=lambda pk: scores[pk])
    size = max(1, round(len(ranked) * UPPER_LOWER_SHARE))
    lower, upper = set(ranked[:size]), set(ranked[-size:])
    texts = dict(
        Question.objects.non_polymorphic()
        .filter(pk__in=[c["question"] for c in counts])
        .values_list("pk", "text")
    )
    result = []
    for count in counts:
        answers = by_question[count["question"]]
        suppressed = count["people"] < SMALL_GROUP
        discrimination = None
        if not suppressed:
            up = [right for attempt, right in answers.items() if attempt in upper]
            low = [right for attempt, right in answers.items() if attempt in lower]
            if up and low:
                discrimination = round(sum(up) / len(up) - sum(low) / len(low), 2)
        result.append(
            {
                "question": texts.get(count["question"], "(deleted question)"),
                "people": small(count["people"]),
                "facility": None if suppressed else round(count["right"] / count["people"], 2),
                "discrimination": discrimination,
            }
        )
    return sorted(result, key=lambda r: (r["facility"] is None, r["facility"] or 0))


def missed_categories(agencies, period, course=None):
    """Share of indicator observations not ticked, per indicator category."""
    responses = Response.objects.filter(
        attempt__in=first_attempts(agencies, period, course), question_type="spot_indicators"
    )
    shown, missed, people = defaultdict(int), defaultdict(int), defaultdict(set)
    labels = {}
    for snapshot, answer, attempt in responses.values_list("snapshot", "answer", "attempt"):
        chosen = set(answer.get("choices", []))
        for item in snapshot["items"]:
            if item["indicator"]:
                shown[item["category"]] += 1
                missed[item["category"]] += item["id"] not in chosen
                people[item["category"]].add(attempt)
                labels[item["category"]] = item["category_label"]
    rows = [
        {
            "category": labels[c],
            "people": small(len(people[c])),
            "missed": None if len(people[c]) < SMALL_GROUP else round(100 * missed[c] / shown[c], 1),
        }
        for c in shown
    ]
    return sorted(rows, key=lambda r: -(r["missed"] or 0))


def traffic_light_table(agencies, period, course=None):
    """For each age band: how often each right colour was answered green, amber or red."""
    responses = Response.objects.filter(
        attempt__in=first_attempts(agencies, period, course),
        question_type__in=["traffic_light", "traffic_light_sort"],
    )
    table = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    people = defaultdict(set)
    for snapshot, answer, attempt in responses.values_list("snapshot", "answer", "attempt"):
        if snapshot["type"] == "traffic_light":
            answers = [(snapshot["correct"], answer.get("colour") or "none")]
        else:
            placed = answer.get("placements", {})
            answers = [(i["correct"], placed.get(str(i["id"])) or "none") for i in snapshot["items"]]
        for correct, chosen in answers:
            table[snapshot["band"]][correct][chosen] += 1
        people[snapshot["band"]].add(attempt)
    result = []
    for band, rows in table.items():
        suppressed = len(people[band]) < SMALL_GROUP
        result.append(
            {
                "band": band,
                "people": small(len(people[band])),
                "suppressed": suppressed,
                "rows": [
                    {
                        "correct": correct,
                        "cells": [small(rows[correct][c]) for c in ("green", "amber", "red", "none")],
                    }
                    for correct in ("green", "amber", "red")
                    if correct in rows
                ],
            }
        )
    return sorted(result, key=lambda r: r["band"])
