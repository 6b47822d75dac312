"""Question kinds: each type lives in one module, found by the registry, and the generic
code names no type. A throwaway kind (tests/quizzes/fake_kind, installed only by the test
settings) goes the whole way: created in the admin, attempted, marked, exported and
imported, without an edit to any other file."""

import inspect
import io

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data

from courses import services as course_services
from quizzes import answers, kinds, marks, scoring, snapshots, viewsets
from quizzes.interchange import data, gift, moodle_xml, validate
from quizzes.models import Attempt, Question
from tests.factories import (
    SAMPLE_QUESTIONS,
    make_course,
    make_learner,
    make_quiz,
    open_the_quiz,
    submit_pages,
)
from tests.quizzes.fake_kind.models import NumberQuestion
from tests.workflow_helpers import approve_change

pytestmark = pytest.mark.django_db

SHIPPED = [
    "single_choice",
    "multiple_response",
    "true_false",
    "traffic_light",
    "traffic_light_sort",
    "spot_indicators",
    "order",
    "matching",
]
GENERIC = [answers, marks, scoring, snapshots, viewsets, data, gift, moodle_xml, validate]


def test_the_registry_finds_the_shipped_kinds_in_menu_order_and_the_installed_one():
    assert kinds.codes() == [*SHIPPED, "number"]
    assert kinds.get("number").model is NumberQuestion
    with pytest.raises(kinds.UnknownKind):
        kinds.get("essay")


@pytest.mark.parametrize("module", GENERIC, ids=lambda m: m.__name__)
def test_generic_code_names_no_question_type(module):
    source = inspect.getsource(module)
    assert [code for code in SHIPPED if f'"{code}"' in source or f"'{code}'" in source] == []


def test_an_unknown_kind_is_refused_where_it_always_was():
    with pytest.raises(ValueError, match="unknown question type"):
        scoring.mark({"type": "essay"}, {})
    with pytest.raises(answers.AnswerError):
        answers.read_answer({"type": "essay"}, {}, 1)
    with pytest.raises(data.QuestionDataError, match="unknown type 'essay'"):
        validate.check_question({"type": "essay", "key": "k", "text": "t"}, "q")


def number_question(key="how-many", answer=3):
    return {
        "key": key,
        "type": "number",
        "text": "How many working days may a strategy discussion wait?",
        "explanation": "Three at most, and sooner when the child is at risk.",
        "answer": answer,
    }


def test_a_new_kind_works_end_to_end(client):
    course = make_course(lessons=1)
    quiz = make_quiz(course, [], pass_mark=100)
    admin = get_user_model().objects.create_superuser("kinds-admin", "kinds-admin@example.org", "pw-kinds")
    client.force_login(admin)

    # Created in the admin, from the kind's own snippet screens.
    add = reverse("wagtailsnippets_fake_kind_numberquestion:add")
    form = {
        "quiz": quiz.pk,
        "sort_order": 1,
        "points": 1,
        "key": "how-many",
        "vignette": "",
        "text": "How many working days may a strategy discussion wait?",
        "image": "",
        "answer": 3,
        "explanation": "Three at most, and sooner when the child is at risk.",
        "chapter": "",
        "category": "",
        "difficulty": "medium",
        "age_band": "",
        "tags": "",
        "action-publish": "publish",  # an administrator (superuser) may publish directly
    }
    response = client.post(add, nested_form_data(form))
    assert response.status_code == 302, response.content[:300]
    question = Question.objects.get(quiz=quiz)
    assert isinstance(question, NumberQuestion) and question.answer == 3  # polymorphic: its own type

    # Attempted and marked: the kind's template shows it, its reader and marker do the rest.
    learner = make_learner()
    enrolment = course_services.enrol(learner, course)
    open_the_quiz(enrolment)
    client.force_login(learner)
    client.post(f"/quizzes/{quiz.slug}/start/")
    attempt = Attempt.objects.get(quiz=quiz)
    form_page = BeautifulSoup(client.get(f"/quizzes/attempts/{attempt.pk}/").content, "html.parser")
    assert form_page.select_one("input.number-answer")["name"] == "q1-number"
    result = submit_pages(client, attempt, {"q1-number": "3"})
    attempt.refresh_from_db()
    assert attempt.score == 100 and attempt.passed
    feedback = BeautifulSoup(result.content, "html.parser").select_one(".number-feedback")
    assert feedback.get_text(" ", strip=True) == "You said 3; the answer is 3."

    # Exported (Moodle has no such type: a description carrying our data) and imported back.
    client.force_login(admin)
    exported = client.get(reverse("quizzes_export", args=[quiz.pk])).content
    assert b'<question type="description">' in exported
    target = make_quiz(make_course(lessons=1), [])
    upload = io.BytesIO(exported)
    upload.name = "numbers.xml"
    url = reverse("quizzes_import", args=[target.pk])
    preview = client.post(url, {"file": upload, "format": "moodlexml"})
    assert "1 question will be added" in preview.content.decode()
    assert client.post(url, {"token": preview.context["token"]}).status_code == 302
    copy = Question.objects.get(quiz=target)
    assert isinstance(copy, NumberQuestion) and copy.answer == 3
    assert data.quiz_to_data(target) == []  # imported as a draft: in no quiz yet
    approve_change(copy)
    assert data.quiz_to_data(target) == data.quiz_to_data(quiz)


def test_a_new_kind_is_checked_by_its_own_rules():
    validate.check_question(number_question(), "q")
    with pytest.raises(data.QuestionDataError, match="answer must be a whole number"):
        validate.check_question(number_question(answer="three"), "q")
    with pytest.raises(data.QuestionDataError, match="missing field"):
        validate.check_question({k: v for k, v in number_question().items() if k != "answer"}, "q")


def test_snapshots_load_every_kind_in_a_bounded_number_of_queries(django_assert_max_num_queries):
    quiz = make_quiz(make_course(lessons=1), [*SAMPLE_QUESTIONS, number_question()])
    # the questions, one query per type present (polymorphic), the behaviours and bands the
    # traffic-light snapshots read, and one query per kind of part
    with django_assert_max_num_queries(20):
        shot = snapshots.quiz_snapshots(quiz)
    assert [s["type"] for s in shot][-1] == "number"
