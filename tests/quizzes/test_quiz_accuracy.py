"""The shipped courses and quizzes say what the law and current guidance say, and the quiz
answers a safeguarding trainer questioned are keyed on the indicator tables (issue 11)."""

from pathlib import Path

import pytest

from quizzes.models import Observation, Option, Quiz

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[2] / "content_fixtures" / "data"
CONTENT_FILES = sorted([*DATA.glob("courses/*.yaml"), *DATA.glob("quizzes/*.yaml")])


def _question(course, key):
    return Quiz.objects.get(course__slug=course).questions.get(key=key)


def test_a_parent_working_evenings_is_a_family_vulnerability():
    """Seed 003's family vulnerabilities table lists parental absence through work."""
    observation = Observation.objects.get(
        question=_question("police", "domestic-spot-signs"), text="The mother works two evenings a week."
    )
    assert observation.indicator
    assert observation.category == "family_vulnerability"


def test_wanting_privacy_to_change_for_pe_is_not_on_its_own_an_indicator():
    """A 10-year-old wanting privacy is green (healthy) in the Brook tool for her age."""
    observation = Observation.objects.get(
        question=_question("education", "year5-spot-signs"), text__contains="change for PE"
    )
    assert not observation.indicator


def test_a_girl_who_barely_responds_on_a_home_visit_means_999_now():
    options = Option.objects.filter(question=_question("housing", "flat-what-to-do"))
    emergency = [o for o in options if "999" in o.text]
    assert len(emergency) == 1 and emergency[0].correct
    assert not options.get(text__startswith="Keep the visit calm and short").correct


def test_the_clinic_key_rests_on_exploitation_not_on_the_number_of_infections():
    question = _question("health", "clinic-response")
    assert "very likely" not in question.explanation
    for option in question.options.filter(correct=True):
        assert "very likely" not in option.text, option.text


def test_therapy_is_not_held_back_for_the_interview():
    """CPS pre-trial therapy guidance (2022): an investigation is no reason to delay therapy."""
    for course, key in [("core", "therapy-after-abe"), ("police", "therapy-before-abe")]:
        question = _question(course, key)
        assert "Pre-Trial Therapy" in question.explanation, key
    police = _question("police", "therapy-before-abe").options.get(correct=True)
    assert "should not be delayed" in police.text


@pytest.mark.parametrize(
    "withdrawn",
    [
        "statutory rape",
        "Working Together to Safeguard Children 2018",
        "Working Together to Safeguard Children 2015",
        "Working Together 2018",
        "Working Together 2015",
        "National Probation Service",
        "therapy should not start until",
        "PSHE was not then a statutory subject",
    ],
)
def test_withdrawn_terms_are_in_no_course_or_quiz(withdrawn):
    found_in = [p.name for p in CONTENT_FILES if withdrawn.lower() in " ".join(p.read_text().split()).lower()]
    assert found_in == []
