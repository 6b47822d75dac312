"""Marking every question type: full, partial and no credit, empty answers, unknown types."""

from fractions import Fraction

import pytest

from quizzes.scoring import mark, model_answer, quiz_percentage

OPTIONS = [
    {"id": 1, "text": "A", "correct": True, "feedback": ""},
    {"id": 2, "text": "B", "correct": True, "feedback": ""},
    {"id": 3, "text": "C", "correct": False, "feedback": ""},
    {"id": 4, "text": "D", "correct": False, "feedback": ""},
]
SNAPSHOTS = {
    "single_choice": {
        "type": "single_choice",
        "options": [
            {"id": 1, "text": "A", "correct": False, "feedback": ""},
            {"id": 2, "text": "B", "correct": True, "feedback": "Yes"},
        ],
    },
    "multiple_response": {"type": "multiple_response", "options": OPTIONS},
    "true_false": {"type": "true_false", "correct": False},
    "traffic_light": {
        "type": "traffic_light",
        "behaviour": "x",
        "band": "5 to 9 years",
        "correct": "amber",
        "reasoning": "persistent",
    },
    "traffic_light_sort": {
        "type": "traffic_light_sort",
        "band": "0 to 5 years",
        "items": [
            {"id": 10, "text": "a", "correct": "green", "reasoning": ""},
            {"id": 11, "text": "b", "correct": "amber", "reasoning": ""},
            {"id": 12, "text": "c", "correct": "red", "reasoning": ""},
            {"id": 13, "text": "d", "correct": "red", "reasoning": ""},
        ],
    },
    "spot_indicators": {
        "type": "spot_indicators",
        "items": [
            {"id": 20, "text": "gifts", "category": "cse", "category_label": "CSE", "indicator": True},
            {"id": 21, "text": "missing", "category": "cse", "category_label": "CSE", "indicator": True},
            {
                "id": 22,
                "text": "likes football",
                "category": "behavioural",
                "category_label": "",
                "indicator": False,
            },
        ],
    },
    "order": {
        "type": "order",
        "steps": [
            {"id": 30, "text": "s1", "timescale": ""},
            {"id": 31, "text": "s2", "timescale": ""},
            {"id": 32, "text": "s3", "timescale": ""},
            {"id": 33, "text": "s4", "timescale": ""},
        ],
    },
    "matching": {
        "type": "matching",
        "pairs": [
            {"id": 40, "term": "CSE", "definition": "d1"},
            {"id": 41, "term": "HSB", "definition": "d2"},
            {"id": 42, "term": "PSB", "definition": "d3"},
        ],
    },
}


@pytest.mark.parametrize("kind", SNAPSHOTS)
def test_the_model_answer_scores_full_marks_and_nothing_scores_zero(kind):
    snapshot = SNAPSHOTS[kind]
    assert mark(snapshot, model_answer(snapshot)).score == 1
    assert mark(snapshot, {}).score == 0
    assert mark(snapshot, None).score == 0


def test_single_choice_wrong_answer():
    assert mark(SNAPSHOTS["single_choice"], {"choice": 1}).score == 0


@pytest.mark.parametrize(
    "choices, expected",
    [
        ([1, 2], Fraction(1)),
        ([1], Fraction(1, 2)),
        ([1, 3], Fraction(0)),
        ([1, 2, 3], Fraction(1, 2)),
        ([3, 4], Fraction(0)),
        ([1, 2, 3, 4], Fraction(0)),
        ([], Fraction(0)),
    ],
)
def test_multiple_response_partial_credit_and_wrong_ticks_cost(choices, expected):
    assert mark(SNAPSHOTS["multiple_response"], {"choices": choices}).score == expected


def test_spot_indicators_partial_credit():
    snapshot = SNAPSHOTS["spot_indicators"]
    assert mark(snapshot, {"choices": [20]}).score == Fraction(1, 2)
    assert mark(snapshot, {"choices": [20, 22]}).score == 0
    marked = mark(snapshot, {"choices": [20, 21]})
    assert [p["category"] for p in marked.parts if p["correct"]] == ["CSE", "CSE"]


def test_true_false():
    assert mark(SNAPSHOTS["true_false"], {"value": True}).score == 0
    assert mark(SNAPSHOTS["true_false"], {"value": False}).score == 1


def test_traffic_light_feedback_carries_the_word_and_the_reasoning():
    marked = mark(SNAPSHOTS["traffic_light"], {"colour": "red"})
    assert marked.score == 0
    assert marked.parts[0]["correct"] == "Amber" and marked.parts[0]["chosen"] == "Red"
    assert marked.parts[0]["feedback"] == "persistent"


def test_sort_scores_each_behaviour():
    snapshot = SNAPSHOTS["traffic_light_sort"]
    answer = {"placements": {"10": "green", "11": "red", "12": "red"}}
    assert mark(snapshot, answer).score == Fraction(2, 4)


def test_order_scores_steps_in_the_right_place():
    snapshot = SNAPSHOTS["order"]
    assert mark(snapshot, {"order": [30, 31, 33, 32]}).score == Fraction(2, 4)
    assert mark(snapshot, {"order": [33, 32, 31, 30]}).score == 0
    assert mark(snapshot, {"order": [30, None, None, None]}).score == Fraction(1, 4)


def test_matching_scores_each_term():
    snapshot = SNAPSHOTS["matching"]
    assert mark(snapshot, {"matches": {"40": 40, "41": 42, "42": 41}}).score == Fraction(1, 3)


def test_an_unknown_type_is_refused():
    with pytest.raises(ValueError, match="unknown question type"):
        mark({"type": "essay"}, {})


def test_quiz_percentage_weights_by_points():
    full, none = mark(SNAPSHOTS["true_false"], {"value": False}), mark(SNAPSHOTS["true_false"], {})
    assert quiz_percentage([(full, 3), (none, 1)]) == 75.0
    assert quiz_percentage([(mark(SNAPSHOTS["matching"], {"matches": {"40": 40}}), 1)]) == 33.33
