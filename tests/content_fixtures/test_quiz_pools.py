"""The shipped quiz banks are big enough for their draws (issue 13): read straight from the
YAML files, without the app, so a bank that is too small fails before anyone loads it."""

from pathlib import Path

import pytest
import yaml

QUIZZES = sorted(
    (Path(__file__).resolve().parents[2] / "content_fixtures" / "data" / "quizzes").glob("*.yaml")
)
CATEGORIES = {
    "emotional",
    "behavioural",
    "physical",
    "adult_behaviour",
    "family_vulnerability",
    "cse",
    "online",
}
AGE_BANDS = {"0-5", "5-9", "9-13", "13-17"}
TYPES = {
    "single_choice",
    "multiple_response",
    "true_false",
    "spot_indicators",
    "traffic_light",
    "traffic_light_sort",
    "order",
    "matching",
}
DIFFICULTIES = {"easy", "medium", "hard"}


def load(path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def vignettes(quiz):
    return {v["key"]: v for v in quiz.get("vignettes") or []}


def pool_age_band(question, cases):
    """The age band a pool filters on: the question's own, or its case's."""
    return question.get("age_band") or cases.get(question.get("vignette"), {}).get("age_band")


def matches(pool, question, cases):
    category = pool.get("category")
    if category == "none" and question.get("category"):
        return False
    if category and category != "none" and question.get("category") != category:
        return False
    case = cases.get(question.get("vignette"), {})
    return (
        (not pool.get("question_type") or question["type"] == pool["question_type"])
        and (not pool.get("difficulty") or question.get("difficulty") == pool["difficulty"])
        and (not pool.get("age_band") or pool_age_band(question, cases) == str(pool["age_band"]))
        and (not pool.get("agency") or case.get("agency") == pool["agency"])
    )


def age_bands_of(question, cases):
    """Every age band a question is about: its own, its case's, its traffic-light band."""
    bands = {
        question.get("age_band"),
        cases.get(question.get("vignette"), {}).get("age_band"),
        question.get("band"),
    }
    behaviour = question.get("behaviour")
    if isinstance(behaviour, dict):
        bands.add(behaviour.get("band"))
    return {str(band) for band in bands if band}


def test_every_quiz_file_is_found():
    assert len(QUIZZES) == 11


@pytest.mark.parametrize("path", QUIZZES, ids=lambda p: p.stem)
def test_the_bank_is_at_least_twice_an_attempt(path):
    quiz = load(path)
    size = sum(pool["count"] for pool in quiz.get("draw") or []) or len(quiz["questions"])
    assert quiz.get("draw"), "the quiz draws from pools"
    assert len(quiz["questions"]) >= 2 * size
    assert quiz.get("knowledge_check", 0) <= len(quiz["questions"])


@pytest.mark.parametrize("path", QUIZZES, ids=lambda p: p.stem)
def test_each_pool_has_twice_its_count_left_by_earlier_pools(path):
    quiz = load(path)
    cases = vignettes(quiz)
    taken = set()
    for pool in quiz["draw"]:
        assert pool["count"] >= 1
        left = [q["key"] for q in quiz["questions"] if q["key"] not in taken and matches(pool, q, cases)]
        assert len(left) >= 2 * pool["count"], f"{pool['label']}: {len(left)} for {pool['count']}"
        taken.update(left)


@pytest.mark.parametrize("path", QUIZZES, ids=lambda p: p.stem)
def test_every_category_age_band_and_type_is_in_the_bank(path):
    quiz = load(path)
    cases = vignettes(quiz)
    questions = quiz["questions"]
    categories = {q.get("category") for q in questions}
    assert CATEGORIES <= categories, CATEGORIES - categories
    bands = set().union(*(age_bands_of(q, cases) for q in questions))
    assert AGE_BANDS <= bands, AGE_BANDS - bands
    assert {q["type"] for q in questions} == TYPES


@pytest.mark.parametrize("path", QUIZZES, ids=lambda p: p.stem)
def test_every_question_has_a_difficulty_and_a_chapter(path):
    quiz = load(path)
    keys = [q["key"] for q in quiz["questions"]]
    assert len(set(keys)) == len(keys)
    for question in quiz["questions"]:
        assert question.get("difficulty") in DIFFICULTIES, question["key"]
        assert question.get("chapter"), question["key"]
