"""The shipped quizzes: every course gated by a real scenario quiz that covers the ground."""

import pytest

from cms.blocks import INDICATOR_CATEGORIES
from courses.models import CoursePage
from quizzes import kinds
from quizzes.models import Quiz
from quizzes.snapshots import quiz_snapshots

pytestmark = pytest.mark.django_db

MODULES = ["health", "police", "education", "housing", "probation", "yos", "vcs", "csc", "adult", "carers"]


def test_every_course_has_a_quiz_it_requires():
    for course in CoursePage.objects.live():
        quiz = Quiz.objects.get(course=course)
        assert "quiz" in course.required_activities, course.slug
        assert course.required_activities.index("quiz") < course.required_activities.index("after_survey")
        assert quiz.pass_mark == 70


def test_core_quiz_covers_every_indicator_category_and_age_band():
    snapshots = quiz_snapshots(Quiz.objects.get(course__slug="core"))
    assert len(snapshots) >= 12
    categories = {item["category"] for s in snapshots for item in s.get("items", []) if "category" in item}
    categories |= {q.category for q in Quiz.objects.get(course__slug="core").questions.all() if q.category}
    assert categories >= {code for code, _ in INDICATOR_CATEGORIES}
    bands = {s["band"] for s in snapshots if s["type"] in ("traffic_light", "traffic_light_sort")}
    assert bands == {"0 to 5 years", "5 to 9 years", "9 to 13 years", "13 to 17 years"}


@pytest.mark.parametrize("module", MODULES)
def test_each_module_quiz_has_eight_questions_and_two_vignettes_from_its_agency(module):
    quiz = Quiz.objects.get(course__slug=module)
    assert quiz.questions.count() >= 8
    assert quiz.vignettes.filter(agency__code=module).count() >= 2


def test_every_question_type_is_used_and_every_question_explains_itself():
    snapshots = [s for quiz in Quiz.objects.filter(course__isnull=False) for s in quiz_snapshots(quiz)]
    shipped = {kind.code for kind in kinds.all_kinds() if kind.model._meta.app_label == "quizzes"}
    assert {s["type"] for s in snapshots} == shipped
    for snapshot in snapshots:
        assert len(snapshot["explanation"]) > 40, snapshot["text"]
        assert snapshot["chapter"] is not None, snapshot["text"]


def test_procedure_timescales_in_the_quizzes_agree_with_the_seeds():
    texts = " ".join(
        s["explanation"] + " " + " ".join(step.get("timescale", "") for step in s.get("steps", []))
        for quiz in Quiz.objects.all()
        for s in quiz_snapshots(quiz)
    )
    assert "24 hours" in texts and "15 working days" in texts
    for wrong in ["within 48 hours of the decision", "15 calendar days", "within 10 working days"]:
        assert wrong not in texts
