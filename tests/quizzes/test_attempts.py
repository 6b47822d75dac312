"""Taking a quiz: start, submit once, explained feedback, retakes, completion, history."""

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses import services as course_services
from courses.models import Completion
from quizzes import services
from quizzes.draws import pages
from quizzes.models import Attempt, Option, Response, SingleChoiceQuestion
from tests.factories import (
    SAMPLE_QUESTIONS,
    make_course,
    make_learner,
    make_quiz,
    open_the_quiz,
    quiz_post,
    submit_pages,
    survey_ratings,
)

pytestmark = pytest.mark.django_db


def ready_for_quiz(agency="housing", questions=SAMPLE_QUESTIONS, **quiz_options):
    learner, course = make_learner(agency), make_course(lessons=1)
    quiz = make_quiz(course, questions, **quiz_options)
    enrolment = course_services.enrol(learner, course)
    open_the_quiz(enrolment)
    return learner, course, quiz, enrolment


def take(client, quiz, right=True):
    client.post(f"/quizzes/{quiz.slug}/start/")
    attempt = Attempt.objects.filter(quiz=quiz).order_by("-pk").first()
    return attempt, submit_pages(client, attempt, quiz_post(attempt, right))


def test_pass_shows_explanations_and_completes_the_course_with_the_score(client):
    learner, course, quiz, enrolment = ready_for_quiz()
    client.force_login(learner)
    attempt, response = take(client, quiz)
    attempt.refresh_from_db()
    assert attempt.passed and attempt.score == 100
    soup = BeautifulSoup(response.content, "html.parser")
    verdicts = [p.get_text(" ", strip=True) for p in soup.select(".feedback__verdict")]
    assert verdicts == ["✓ Correct"] * len(SAMPLE_QUESTIONS)
    first = next(i for i, q in enumerate(attempt.questions) if q["text"] == "Who do you tell first?")
    why = soup.select(".feedback__why")[first]
    assert "Your safeguarding lead, the same day." in why.get_text()
    assert why.select_one("a")["href"] == "/toolkit/referral-pathway/"
    assert Response.objects.filter(attempt=attempt).count() == len(SAMPLE_QUESTIONS)
    # The quiz was the last activity before the after survey: that is next.
    assert client.get(f"/my/learning/{enrolment.pk}/continue/").url.endswith("/survey/after/")
    course_services.submit_survey(enrolment, "after", survey_ratings("after"))
    assert Completion.objects.get(enrolment=enrolment).quiz_score == 100


def test_fail_then_retake_and_the_best_attempt_counts(client):
    learner, course, quiz, enrolment = ready_for_quiz()
    client.force_login(learner)
    first, response = take(client, quiz, right=False)
    first.refresh_from_db()
    assert not first.passed and first.score == 0
    assert b"Not passed yet" in response.content and b"Try again" in response.content
    verdicts = [
        p.get_text(" ", strip=True)
        for p in BeautifulSoup(response.content, "html.parser").select(".feedback__verdict")
    ]
    assert verdicts == ["✗ Not answered"] * len(SAMPLE_QUESTIONS)  # nothing was answered
    assert not course_services.rule_met(enrolment)
    second, _ = take(client, quiz)
    second.refresh_from_db()
    assert second.number == 2 and second.passed
    course_services.submit_survey(enrolment, "after", survey_ratings("after"))
    assert Completion.objects.get(enrolment=enrolment).quiz_score == 100
    assert Attempt.objects.filter(enrolment=enrolment).count() == 2  # attempts are kept


def test_partial_credit_reaches_the_score(client):
    learner, course, quiz, enrolment = ready_for_quiz()
    client.force_login(learner)
    client.post(f"/quizzes/{quiz.slug}/start/")
    attempt = Attempt.objects.get(quiz=quiz)
    data = quiz_post(attempt)
    position = next(i for i, q in enumerate(attempt.questions, 1) if q["type"] == "multiple_response")
    first_wrong = next(o["id"] for o in attempt.questions[position - 1]["options"] if not o["correct"])
    data[f"q{position}-choices"] = data[f"q{position}-choices"][:1] + [str(first_wrong)]
    submit_pages(client, attempt, data)
    attempt.refresh_from_db()
    assert attempt.score == 100 * (len(SAMPLE_QUESTIONS) - 1) / len(SAMPLE_QUESTIONS)


def test_an_attempt_is_marked_once(client):
    learner, course, quiz, enrolment = ready_for_quiz()
    client.force_login(learner)
    attempt, _ = take(client, quiz, right=False)
    again = client.post(f"/quizzes/attempts/{attempt.pk}/page/1/", quiz_post(attempt), follow=True)
    assert b"already submitted" in again.content
    attempt.refresh_from_db()
    assert attempt.score == 0
    assert Response.objects.filter(attempt=attempt).count() == len(SAMPLE_QUESTIONS)
    with pytest.raises(services.AlreadySubmitted):
        services.submit_attempt(attempt, [{}] * len(SAMPLE_QUESTIONS))


def test_another_learners_attempt_is_not_found(client):
    owner, course, quiz, enrolment = ready_for_quiz()
    client.force_login(owner)
    client.post(f"/quizzes/{quiz.slug}/start/")
    attempt = Attempt.objects.get(quiz=quiz)
    client.force_login(make_learner("police"))
    assert client.get(f"/quizzes/attempts/{attempt.pk}/").status_code == 404
    assert client.post(f"/quizzes/attempts/{attempt.pk}/", quiz_post(attempt)).status_code == 404
    assert client.get(f"/quizzes/attempts/{attempt.pk}/result/").status_code == 404
    attempt.refresh_from_db()
    assert attempt.submitted_at is None


TAMPERED = {
    "option of another question": lambda attempt, data, pos: data.update(
        {
            f"q{pos('single_choice')}-choice": str(
                attempt.questions[pos("multiple_response") - 1]["options"][0]["id"]
            )
        }
    ),
    "duplicate ids": lambda attempt, data, pos: data.update(
        {f"q{pos('spot_indicators')}-choices": [data[f"q{pos('spot_indicators')}-choices"][0]] * 2}
    ),
    "unknown colour": lambda attempt, data, pos: data.update({f"q{pos('traffic_light')}-colour": "purple"}),
    "unknown behaviour": lambda attempt, data, pos: data.update(
        {f"q{pos('traffic_light_sort')}-item-999999": "red"}
    ),
    "unknown step": lambda attempt, data, pos: data.update({f"q{pos('order')}-step-999999": "1"}),
    "step position out of range": lambda attempt, data, pos: data.update(
        {next(k for k in data if k.startswith(f"q{pos('order')}-step-")): "99"}
    ),
    "not a number": lambda attempt, data, pos: data.update({f"q{pos('single_choice')}-choice": "abc"}),
    "unknown definition": lambda attempt, data, pos: data.update(
        {next(k for k in data if k.startswith(f"q{pos('matching')}-term-")): "999999"}
    ),
    "true false as yes": lambda attempt, data, pos: data.update({f"q{pos('true_false')}-value": "yes"}),
}


TAMPERED_TYPE = {
    "option of another question": "single_choice",
    "duplicate ids": "spot_indicators",
    "unknown colour": "traffic_light",
    "unknown behaviour": "traffic_light_sort",
    "unknown step": "order",
    "step position out of range": "order",
    "not a number": "single_choice",
    "unknown definition": "matching",
    "true false as yes": "true_false",
}


def submit_page_with(client, attempt, data, position):
    """POST the page that holds `position` with that page's fields of `data`."""
    number, positions = next((n, p) for n, p in enumerate(pages(attempt.questions), 1) if position in p)
    prefixes = tuple(f"q{p}-" for p in positions)
    fields = {name: value for name, value in data.items() if name.startswith(prefixes)}
    return client.post(f"/quizzes/attempts/{attempt.pk}/page/{number}/", fields)


@pytest.mark.parametrize("case", TAMPERED)
def test_tampered_answers_are_refused_and_nothing_is_saved(client, case):
    learner, course, quiz, enrolment = ready_for_quiz()
    client.force_login(learner)
    client.post(f"/quizzes/{quiz.slug}/start/")
    attempt = Attempt.objects.get(quiz=quiz)
    data = quiz_post(attempt)

    def pos(kind):
        return next(i for i, q in enumerate(attempt.questions, 1) if q["type"] == kind)

    TAMPERED[case](attempt, data, pos)
    response = submit_page_with(client, attempt, data, pos(TAMPERED_TYPE[case]))
    assert response.status_code == 400
    assert b"nothing was saved" in response.content
    attempt.refresh_from_db()
    assert attempt.submitted_at is None and attempt.draft == {}
    assert not Response.objects.filter(attempt=attempt).exists()


def test_two_steps_with_the_same_number_are_explained_and_answers_kept(client):
    learner, course, quiz, enrolment = ready_for_quiz()
    client.force_login(learner)
    client.post(f"/quizzes/{quiz.slug}/start/")
    attempt = Attempt.objects.get(quiz=quiz)
    data = quiz_post(attempt)
    position = next(i for i, q in enumerate(attempt.questions, 1) if q["type"] == "order")
    for key in [k for k in data if k.startswith(f"q{position}-step-")]:
        data[key] = "1"
    response = submit_page_with(client, attempt, data, position)
    assert response.status_code == 200
    assert b"give each step a different number" in response.content
    soup = BeautifulSoup(response.content, "html.parser")
    shown = [s["value"] for s in soup.select(f"select[name^=q{position}-step-] option[selected]")]
    assert shown and set(shown) == {"1"}  # her numbers are shown back, not lost
    attempt.refresh_from_db()
    assert attempt.submitted_at is None
    assert str(position) not in attempt.draft  # only an answer that can be marked is kept


def test_editing_a_question_later_never_changes_a_past_attempt(client):
    learner, course, quiz, enrolment = ready_for_quiz()
    client.force_login(learner)
    attempt, before = take(client, quiz)
    def stored_answers():
        responses = Response.objects.filter(attempt=attempt).select_related("version")
        return [(r.shown_snapshot, r.answer, r.score) for r in responses]

    stored = stored_answers()
    assert [shown for shown, _, _ in stored] == attempt.questions
    question = SingleChoiceQuestion.objects.get(quiz=quiz)
    question.text = "A reworded question"
    question.options = [Option(text="A new right answer", correct=True), Option(text="Other")]
    question.save()
    after = client.get(f"/quizzes/attempts/{attempt.pk}/result/")
    assert stored_answers() == stored
    assert b"A reworded question" not in after.content
    assert b"Who do you tell first?" in after.content
    attempt.refresh_from_db()
    assert attempt.score == 100


def test_max_attempts_is_respected(client):
    learner, course, quiz, enrolment = ready_for_quiz(max_attempts=1)
    client.force_login(learner)
    take(client, quiz, right=False)
    response = client.post(f"/quizzes/{quiz.slug}/start/", follow=True)
    assert b"used all your attempts" in response.content
    assert Attempt.objects.filter(quiz=quiz).count() == 1


def test_the_quiz_needs_an_open_enrolment(client):
    learner, course = make_learner(), make_course(lessons=1)
    quiz = make_quiz(course)
    client.force_login(learner)
    response = client.post(f"/quizzes/{quiz.slug}/start/", follow=True)
    assert b"Start the course before you take its quiz." in response.content
    assert not Attempt.objects.exists() or not Attempt.objects.filter(quiz=quiz).exists()


def count_queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_quiz_and_result_pages_have_flat_query_counts(client):
    small = ready_for_quiz(questions=SAMPLE_QUESTIONS[:2])
    big = ready_for_quiz(
        questions=SAMPLE_QUESTIONS
        + [
            dict(q, key=q["key"] + "-2")
            for q in SAMPLE_QUESTIONS
            if q["type"] not in ("traffic_light", "traffic_light_sort")
        ]
    )
    counts = []
    for learner, _course, quiz, _enrolment in (small, big):
        client.force_login(learner)
        client.post(f"/quizzes/{quiz.slug}/start/")
        attempt = Attempt.objects.get(quiz=quiz)
        form = count_queries(client, f"/quizzes/attempts/{attempt.pk}/")
        submit_pages(client, attempt, quiz_post(attempt))
        result = count_queries(client, f"/quizzes/attempts/{attempt.pk}/result/")
        counts.append((form, result))
    assert counts[0] == counts[1]
    assert counts[1][0] <= 12 and counts[1][1] <= 12


def test_a_draft_keeps_only_the_fields_that_send_the_answer(client):
    learner, course, quiz, enrolment = ready_for_quiz()
    client.force_login(learner)
    client.post(f"/quizzes/{quiz.slug}/start/")
    attempt = Attempt.objects.get(quiz=quiz)
    data = quiz_post(attempt)
    position = next(i for i, q in enumerate(attempt.questions, 1) if q["type"] == "single_choice")
    right = data[f"q{position}-choice"]
    data[f"q{position}-junk"] = "x" * 10_000  # a field no question reads
    assert submit_page_with(client, attempt, data, position).status_code == 302
    attempt.refresh_from_db()
    assert attempt.draft[str(position)] == {f"q{position}-choice": [right]}
