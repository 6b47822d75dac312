"""Question versions: each answer refers to the question as it was, stored once for every
answer that saw the same content, and reads back exactly as its attempt showed it."""

import json
import random

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses import services as course_services
from quizzes import services
from quizzes.draws import draw
from quizzes.models import Question, QuestionVersion, Response
from quizzes.scoring import mark, model_answer
from quizzes.snapshots import PART_ID_KEYS, digest, id_slots, join, split
from tests.factories import SAMPLE_QUESTIONS, make_course, make_learner, make_quiz, open_the_quiz

pytestmark = pytest.mark.django_db


def attempt_at(quiz, agency="housing"):
    """A new learner's open attempt at `quiz`."""
    learner = make_learner(agency)
    enrolment = course_services.enrol(learner, quiz.course)
    open_the_quiz(enrolment)
    return services.start_attempt(learner, quiz)


def submitted(quiz, right=True):
    attempt = attempt_at(quiz)
    answers = [model_answer(q) if right else {} for q in attempt.questions]
    return services.submit_attempt(attempt, answers)


def responses_of(attempt):
    return list(Response.objects.filter(attempt=attempt).select_related("version").order_by("position"))


def test_split_and_join_give_back_every_kind_exactly_whatever_the_key_order():
    quiz = make_quiz(make_course(lessons=1))
    first, _ = draw(quiz)
    second, _ = draw(quiz)
    by_key = {s["key"]: s for s in second}
    assert len({s["type"] for s in first}) == 8
    for shown in first:
        shared, ids = split(shown)
        assert join(shared, ids) == shown
        # the stored half holds no id of the attempt's, and another attempt stores the same
        assert [shared[n][i][k] for n, i, k in id_slots(shared)] == [None] * len(ids)
        assert all(isinstance(i, int) and i >= 10**8 for i in ids)
        other_shared, other_ids = split(by_key[shown["key"]])
        assert digest(other_shared) == digest(shared)
        assert (other_ids == ids) == (ids == [])
        # the database may give the keys back in another order (PostgreSQL's jsonb does)
        reordered = json.loads(json.dumps(shared, sort_keys=True))
        reordered = {k: reordered[k] for k in reversed(list(reordered))}
        for value in reordered.values():
            if isinstance(value, list):
                value[:] = [{k: part[k] for k in reversed(list(part))} if isinstance(part, dict) else part for part in value]
        assert join(reordered, ids) == shown
    expected_ids = {
        "single_choice": 2,
        "multiple_response": 3,
        "spot_indicators": 3,
        "traffic_light_sort": 2,
        "order": 4,
        "matching": 6,  # a term and its definition: two ids per pair
        "true_false": 0,
        "traffic_light": 0,
    }
    assert {s["type"]: len(split(s)[1]) for s in first} == expected_ids
    assert set(PART_ID_KEYS) == {"id", "answer_id"}


def test_join_refuses_ids_that_do_not_fit_the_version():
    shared, ids = split({"type": "single_choice", "options": [{"id": 5, "text": "A"}, {"id": 6, "text": "B"}]})
    assert ids == [5, 6]
    with pytest.raises(ValueError, match="1 part ids for a question version with 2 parts"):
        join(shared, [5])


def test_answers_to_the_same_questions_share_their_versions_and_read_back_as_shown():
    quiz = make_quiz(make_course(lessons=1))
    first, second = submitted(quiz), submitted(quiz, right=False)
    one, two = responses_of(first), responses_of(second)
    assert len(one) == len(two) == len(SAMPLE_QUESTIONS)
    for attempt, responses in ((first, one), (second, two)):
        for response in responses:
            assert response.shown_snapshot == attempt.questions[response.position - 1]
            assert response.version.question_id == response.question_id
    assert {r.version_id for r in one} == {r.version_id for r in two}
    assert QuestionVersion.objects.filter(question__quiz=quiz).count() == len(SAMPLE_QUESTIONS)
    # the same questions, with the attempts' own part ids
    ids = {r.question_id: r.part_ids for r in one}
    assert any(ids[r.question_id] != r.part_ids for r in two if r.part_ids)


def test_an_edited_question_gets_a_new_version_and_earlier_answers_keep_theirs(client):
    quiz = make_quiz(make_course(lessons=1))
    earlier = submitted(quiz)
    question = Question.objects.get(quiz=quiz, key="tf")
    question.text = "A reworded statement"
    question.save()
    later = submitted(quiz)
    versions = QuestionVersion.objects.filter(question=question)
    assert sorted(v.snapshot["text"] for v in versions) == [
        "A reworded statement",
        "No police action means no safeguarding action.",
    ]
    [before] = [r for r in responses_of(earlier) if r.question_id == question.pk]
    [after] = [r for r in responses_of(later) if r.question_id == question.pk]
    assert before.shown_snapshot["text"] == "No police action means no safeguarding action."
    assert after.shown_snapshot["text"] == "A reworded statement"
    client.force_login(earlier.learner)
    page = client.get(f"/quizzes/attempts/{earlier.pk}/result/")
    assert b"No police action means no safeguarding action." in page.content
    assert b"A reworded statement" not in page.content


def test_a_deleted_question_leaves_its_answers_readable_and_marked_as_before(client):
    quiz = make_quiz(make_course(lessons=1))
    attempt = submitted(quiz)
    before = [(r.shown_snapshot, r.answer, mark(r.shown_snapshot, r.answer)) for r in responses_of(attempt)]
    question = Question.objects.get(quiz=quiz, key="tell")
    version = QuestionVersion.objects.get(question=question)
    question.delete()
    version.refresh_from_db()
    assert version.question_id is None
    after = responses_of(attempt)
    assert [(r.shown_snapshot, r.answer, mark(r.shown_snapshot, r.answer)) for r in after] == before
    client.force_login(attempt.learner)
    page = client.get(f"/quizzes/attempts/{attempt.pk}/result/")
    soup = BeautifulSoup(page.content, "html.parser")
    assert "Who do you tell first?" in [h.get_text(" ", strip=True).split(" ", 2)[-1] for h in soup.select("h3")]


def numbered(questions, copy):
    return [dict(q, key=f"{q['key']}-{copy}") for q in questions]


def test_submitting_and_the_feedback_page_cost_the_same_however_many_questions(client):
    counts = {}
    for copies in (1, 3):
        quiz = make_quiz(make_course(lessons=1), [q for c in range(copies) for q in numbered(SAMPLE_QUESTIONS, c)])
        attempt = attempt_at(quiz)
        answers = [model_answer(q) for q in attempt.questions]
        with CaptureQueriesContext(connection) as submitting:
            services.submit_attempt(attempt, answers)
        client.force_login(attempt.learner)
        with CaptureQueriesContext(connection) as reading:
            page = client.get(f"/quizzes/attempts/{attempt.pk}/result/")
        assert page.status_code == 200
        assert len(BeautifulSoup(page.content, "html.parser").select("article.feedback")) == 8 * copies
        counts[copies] = (len(submitting), len(reading))
    assert counts[1] == counts[3], counts


def test_versions_are_stored_once_in_any_order_of_arrival():
    rng = random.Random(3)
    quiz = make_quiz(make_course(lessons=1))
    snapshots, _ = draw(quiz)
    pairs = [(split(s)[0], s["question_id"]) for s in snapshots]
    first = QuestionVersion.objects.store(pairs)
    shuffled = rng.sample(pairs, len(pairs))
    again = QuestionVersion.objects.store(shuffled + shuffled[:2])
    assert [v.pk for v in again] == [first[pairs.index(p)].pk for p in shuffled + shuffled[:2]]
    assert QuestionVersion.objects.filter(question__quiz=quiz).count() == len(pairs)
