"""Certainty-based marking and review options (issue 13).

The marks are Gardner-Medwin's published scheme as Moodle's deferred CBM applies it,
written out here by hand: certainty 1 (not sure) right +1 / wrong 0; 2 (fairly sure) +2 /
-2; 3 (very sure) +3 / -6. A partly right answer earns the right mark times its fraction;
an answer worth nothing earns the wrong mark; no certainty counts as 1."""

from decimal import Decimal
from fractions import Fraction

import pytest
from bs4 import BeautifulSoup

from courses import services as course_services
from quizzes import services
from quizzes.answers import form_data
from quizzes.models import Attempt, Quiz, Response
from quizzes.scoring import cbm_mark, model_answer
from tests.factories import (
    SAMPLE_QUESTIONS,
    make_course,
    make_learner,
    make_quiz,
    open_the_quiz,
    submit_pages,
)

pytestmark = pytest.mark.django_db

PUBLISHED = {1: (1, 0), 2: (2, -2), 3: (3, -6)}  # certainty: (right, wrong)


@pytest.mark.parametrize("certainty", [1, 2, 3])
def test_whole_answers_earn_the_published_marks(certainty):
    right, wrong = PUBLISHED[certainty]
    assert cbm_mark(Fraction(1), certainty) == right
    assert cbm_mark(Fraction(0), certainty) == wrong


@pytest.mark.parametrize(
    "fraction, certainty, expected",
    [
        (Fraction(1, 2), 1, Fraction(1, 2)),
        (Fraction(1, 2), 2, Fraction(1)),
        (Fraction(1, 2), 3, Fraction(3, 2)),
        (Fraction(2, 3), 3, Fraction(2)),
        (Fraction(1, 3), 2, Fraction(2, 3)),
        (Fraction(1), None, Fraction(1)),
        (Fraction(0), None, Fraction(0)),
    ],
)
def test_partly_right_earns_the_right_mark_times_the_fraction(fraction, certainty, expected):
    assert cbm_mark(fraction, certainty) == expected


# Four questions, the single-choice one worth 2 points.
QUESTIONS = [
    dict(q, points=2) if q["key"] == "tell" else q
    for q in SAMPLE_QUESTIONS
    if q["key"] in {"tell", "tf", "multi", "light"}
]
KINDS = ("single_choice", "true_false", "multiple_response", "traffic_light")


def ready(questions=SAMPLE_QUESTIONS, certainty=True, **quiz_options):
    learner, course = make_learner(), make_course(lessons=1)
    quiz = make_quiz(course, questions, **quiz_options)
    Quiz.objects.filter(pk=quiz.pk).update(certainty=certainty)
    quiz.refresh_from_db()
    enrolment = course_services.enrol(learner, course)
    open_the_quiz(enrolment)
    return learner, quiz


def answer(attempt, plan):
    """(answers, certainties) in the attempt's order from {type: (right?, certainty)}."""
    answers, certainties = [], []
    for question in attempt.questions:
        right, certainty = plan[question["type"]]
        answers.append(model_answer(question) if right else {})
        certainties.append(certainty)
    return answers, certainties


def test_an_attempts_cbm_average_is_the_mean_mark_per_point():
    learner, quiz = ready(QUESTIONS)
    attempt = services.start_attempt(learner, quiz)
    plan = {
        "single_choice": (True, 3),  # 2 points: 2 x 3
        "true_false": (False, 3),  # -6
        "multiple_response": (True, 2),  # 2
        "traffic_light": (False, None),  # no certainty: C1 wrong, 0
    }
    attempt = services.submit_attempt(attempt, *answer(attempt, plan))
    attempt.refresh_from_db()
    assert attempt.cbm_average == Decimal("0.40")  # (6 - 6 + 2 + 0) / 5 points
    assert attempt.score == Decimal("60.00")  # 3 of 5 points
    stored = dict(Response.objects.filter(attempt=attempt).values_list("question_type", "certainty"))
    assert stored == {"single_choice": 3, "true_false": 3, "multiple_response": 2, "traffic_light": None}


def test_all_wrong_and_very_sure_is_minus_six_and_all_right_unsure_is_one():
    learner, quiz = ready(QUESTIONS)
    first = services.start_attempt(learner, quiz)
    services.submit_attempt(first, *answer(first, dict.fromkeys(KINDS, (False, 3))))
    second = services.start_attempt(learner, quiz)
    services.submit_attempt(second, *answer(second, dict.fromkeys(KINDS, (True, None))))
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.cbm_average == Decimal("-6.00")
    assert second.cbm_average == Decimal("1.00")


def test_a_quiz_without_certainty_stores_none(client):
    learner, quiz = ready(QUESTIONS, certainty=False)
    attempt = services.start_attempt(learner, quiz)
    plan = dict.fromkeys(KINDS, (True, 3))
    services.submit_attempt(attempt, *answer(attempt, plan))
    attempt.refresh_from_db()
    assert attempt.cbm_average is None
    assert set(Response.objects.filter(attempt=attempt).values_list("certainty", flat=True)) == {None}
    client.force_login(learner)
    page = client.get(f"/quizzes/attempts/{attempt.pk}/result/")
    assert b"certainty-based mark" not in page.content


def test_certainty_from_the_pages_and_the_confidently_wrong_list(client):
    learner, quiz = ready(QUESTIONS)
    client.force_login(learner)
    client.post(f"/quizzes/{quiz.slug}/start/")
    attempt = Attempt.objects.get(quiz=quiz)
    position = {q["type"]: p for p, q in enumerate(attempt.questions, 1)}
    page = client.get(f"/quizzes/attempts/{attempt.pk}/page/1/")
    assert BeautifulSoup(page.content, "html.parser").select("input[type=radio][name$=-certainty]")
    # Very sure of two wrong answers (true/false and traffic light), not sure of the rest.
    data = {}
    for snapshot_position, snapshot in enumerate(attempt.questions, 1):
        if snapshot["type"] in ("single_choice", "multiple_response"):
            data.update(form_data(snapshot, model_answer(snapshot), snapshot_position))
    data[f"q{position['true_false']}-value"] = "true"  # wrong: the statement is false
    data[f"q{position['traffic_light']}-colour"] = "red"  # wrong: amber
    data[f"q{position['true_false']}-certainty"] = "3"
    data[f"q{position['traffic_light']}-certainty"] = "3"
    data[f"q{position['single_choice']}-certainty"] = "1"
    result = submit_pages(client, attempt, data)
    attempt.refresh_from_db()
    assert attempt.cbm_average == Decimal("-1.80")  # (2 x 1 - 6 - 6 + 1) / 5 points
    soup = BeautifulSoup(result.content, "html.parser")
    callout = next(c for c in soup.select(".callout") if "very sure, but not right" in c.get_text())
    listed = sorted(a["href"] for a in callout.select("a[href^='#feedback-']"))
    assert listed == sorted(f"#feedback-{position[t]}" for t in ("true_false", "traffic_light"))


def review_page(client, learner, quiz, right):
    client.force_login(learner)
    client.post(f"/quizzes/{quiz.slug}/start/")
    attempt = Attempt.objects.filter(quiz=quiz).order_by("-pk").first()
    plan = dict.fromkeys(KINDS, (right, None))
    services.submit_attempt(attempt, *answer(attempt, plan))
    page = client.get(f"/quizzes/attempts/{attempt.pk}/result/")
    return attempt, page.content.decode()


TELL_EXPLANATION = "Your safeguarding lead, the same day."


def test_a_failed_attempt_with_wrong_shows_what_was_wrong_and_links_but_no_answers(client):
    learner, quiz = ready(QUESTIONS)
    assert quiz.review_when_failed == "wrong"
    attempt, html = review_page(client, learner, quiz, right=False)
    soup = BeautifulSoup(html, "html.parser")
    assert len(soup.select(".feedback--wrong")) == 4
    assert soup.select_one("a[href='/toolkit/referral-pathway/']") is not None
    for hidden in (TELL_EXPLANATION, "Your safeguarding lead", "Record it", "Tell your lead", "Persistence."):
        assert hidden not in html, hidden
    assert not soup.select(".feedback__why")


def test_everything_shows_the_right_answers_and_explanations(client):
    learner, quiz = ready(QUESTIONS)
    Quiz.objects.filter(pk=quiz.pk).update(review_when_failed="everything")
    attempt, html = review_page(client, learner, quiz, right=False)
    assert TELL_EXPLANATION in html and "Record it" in html
    assert len(BeautifulSoup(html, "html.parser").select(".feedback__why")) == 4


def test_score_only_shows_no_questions(client):
    learner, quiz = ready(QUESTIONS)
    Quiz.objects.filter(pk=quiz.pk).update(review_when_failed="score")
    attempt, html = review_page(client, learner, quiz, right=False)
    soup = BeautifulSoup(html, "html.parser")
    assert not soup.select(".feedback") and "Who do you tell first?" not in html


def test_after_passing_the_finished_option_applies(client):
    learner, quiz = ready(QUESTIONS)
    Quiz.objects.filter(pk=quiz.pk).update(review_when_failed="score", review_when_finished="everything")
    attempt, html = review_page(client, learner, quiz, right=True)
    attempt.refresh_from_db()
    assert attempt.passed
    assert TELL_EXPLANATION in html


def test_when_attempts_run_out_the_finished_option_applies(client):
    learner, quiz = ready(QUESTIONS, max_attempts=2)
    Quiz.objects.filter(pk=quiz.pk).update(review_when_failed="score", review_when_finished="everything")
    first, html = review_page(client, learner, quiz, right=False)
    assert TELL_EXPLANATION not in html
    second, html = review_page(client, learner, quiz, right=False)
    assert second.number == 2 and not second.passed
    assert TELL_EXPLANATION in html and "Record it" in html
    # The first attempt was not her last: it keeps the failed option.
    first_page = client.get(f"/quizzes/attempts/{first.pk}/result/").content.decode()
    assert TELL_EXPLANATION not in first_page
