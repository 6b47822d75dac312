"""Answers saved page by page (issue 13): they survive leaving and coming back, the summary
lists what is answered, marking reads the draft, and a tampered or stale POST changes
nothing. Also the knowledge check's rules and flat query counts for the attempt pages."""

import json

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses import services as course_services
from quizzes import services
from quizzes.draws import pages
from quizzes.models import Attempt, Purpose, Quiz, QuizPool, Response
from tests.factories import (
    SAMPLE_QUESTIONS,
    finish_lesson,
    lessons_of,
    make_course,
    make_learner,
    make_quiz,
    open_the_quiz,
    quiz_post,
    submit_pages,
    survey_ratings,
)

pytestmark = pytest.mark.django_db


def ready(questions=SAMPLE_QUESTIONS, lessons_done=True, **quiz_options):
    learner, course = make_learner(), make_course(lessons=1)
    quiz = make_quiz(course, questions, **quiz_options)
    enrolment = course_services.enrol(learner, course)
    course_services.submit_survey(enrolment, "before", survey_ratings("before"))
    if lessons_done:
        finish_lesson(enrolment, lessons_of(course)[0])
    return learner, quiz, enrolment


def started(client, questions=SAMPLE_QUESTIONS, **options):
    learner, quiz, enrolment = ready(questions, **options)
    client.force_login(learner)
    client.post(f"/quizzes/{quiz.slug}/start/")
    return learner, quiz, Attempt.objects.get(quiz=quiz, learner=learner)


def page_fields(attempt, data, number):
    prefixes = tuple(f"q{p}-" for p in pages(attempt.questions)[number - 1])
    return {name: value for name, value in data.items() if name.startswith(prefixes)}


def page_of(attempt, kind):
    position = next(p for p, q in enumerate(attempt.questions, 1) if q["type"] == kind)
    number = next(n for n, ps in enumerate(pages(attempt.questions), 1) if position in ps)
    return position, number


def url(attempt, number):
    return f"/quizzes/attempts/{attempt.pk}/page/{number}/"


def shown_values(html, position):
    """{field name: [values]} the page shows as chosen for the question at `position`."""
    soup = BeautifulSoup(html, "html.parser")
    question = soup.select_one(f"#question-{position}")
    chosen = {}
    for field in question.select("input[checked]"):
        if field["type"] != "hidden":
            chosen.setdefault(field["name"], []).append(field["value"])
    for select in question.select("select"):
        picked = select.select_one("option[selected]")
        if picked is not None:
            chosen.setdefault(select["name"], []).append(picked["value"])
    return {name: sorted(values) for name, values in chosen.items()}


def as_lists(fields):
    return {
        name: [str(v) for v in (value if isinstance(value, list) else [value])]
        for name, value in fields.items()
    }


def test_answers_saved_at_each_page_turn_are_shown_when_she_comes_back(client):
    learner, quiz, attempt = started(client)
    data = quiz_post(attempt)
    page_count = len(pages(attempt.questions))
    assert page_count >= 3
    for number in range(1, page_count + 1):
        response = client.post(url(attempt, number), {**page_fields(attempt, data, number), "go": "next"})
        assert response.status_code == 302
    client.logout()
    client.force_login(learner)
    assert client.get(f"/quizzes/{quiz.slug}/").status_code == 200
    for number in range(1, page_count + 1):
        html = client.get(url(attempt, number)).content
        for position in pages(attempt.questions)[number - 1]:
            expected = {
                name: sorted(values)
                for name, values in as_lists(page_fields(attempt, data, number)).items()
                if name.startswith(f"q{position}-")
            }
            # Traffic-light sort items and order steps are shown by their choice too.
            assert shown_values(html, position) == expected, attempt.questions[position - 1]["type"]
    # Going back with "previous" keeps what she had.
    response = client.post(url(attempt, 2), {"go": "previous", **page_fields(attempt, data, 2)})
    assert response.status_code == 302 and response.url == url(attempt, 1)


def test_the_summary_lists_answered_and_unanswered_and_marking_reads_the_draft(client):
    learner, quiz, attempt = started(client)
    data = quiz_post(attempt)
    first_page = pages(attempt.questions)[0]
    # Everything but the first page is answered.
    for number in range(2, len(pages(attempt.questions)) + 1):
        client.post(url(attempt, number), {**page_fields(attempt, data, number), "go": "next"})
    summary = client.get(f"/quizzes/attempts/{attempt.pk}/summary/")
    soup = BeautifulSoup(summary.content, "html.parser")
    answered = len(SAMPLE_QUESTIONS) - len(first_page)
    lead = soup.select_one(".lead").get_text(" ", strip=True)
    assert f"{answered} questions answered" in lead and f"{len(first_page)} not yet answered" in lead
    for position in range(1, len(SAMPLE_QUESTIONS) + 1):
        row = soup.select_one(f"#summary-{position}")
        status = row.get_text(" ", strip=True)
        assert ("Not yet answered" in status) == (position in first_page)
        assert row.select_one("a")["href"].startswith(url(attempt, 1 if position in first_page else 2)[:-3])
        if position in first_page:
            assert row.select_one("a")["href"] == f"{url(attempt, 1)}#question-{position}"
    marked = client.post(f"/quizzes/attempts/{attempt.pk}/summary/")
    assert marked.status_code == 302
    attempt.refresh_from_db()
    assert attempt.submitted_at is not None
    assert float(attempt.score) == pytest.approx(100 * answered / len(SAMPLE_QUESTIONS), abs=0.01)
    responses = {r.position: r for r in Response.objects.filter(attempt=attempt)}
    assert len(responses) == len(SAMPLE_QUESTIONS)
    for position in first_page:
        assert responses[position].score == 0
        assert not any(responses[position].answer.values())
    assert all(r.score == 1 for p, r in responses.items() if p not in first_page)


def snapshot_of(attempt):
    attempt.refresh_from_db()
    return (
        attempt.draft,
        attempt.submitted_at,
        list(Response.objects.filter(attempt=attempt).values_list("pk")),
    )


def test_tampered_posts_change_nothing(client):
    learner, quiz, attempt = started(client)
    data = quiz_post(attempt)
    client.post(url(attempt, 1), {**page_fields(attempt, data, 1), "go": "next"})
    before = snapshot_of(attempt)
    single, single_page = page_of(attempt, "single_choice")
    multi, multi_page = page_of(attempt, "multiple_response")
    off_page = next(p for p in range(1, len(attempt.questions) + 1) if p not in pages(attempt.questions)[0])
    mine = page_fields(attempt, data, single_page)
    cases = {
        "an option of another question": (
            single_page,
            {**mine, f"q{single}-choice": str(attempt.questions[multi - 1]["options"][0]["id"])},
        ),
        "a field of a question not on this page": (
            1,
            {
                **page_fields(attempt, data, 1),
                **{k: v for k, v in data.items() if k.startswith(f"q{off_page}-")},
            },
        ),
        "a certainty out of range": (
            1,
            {**page_fields(attempt, data, 1), f"q{pages(attempt.questions)[0][0]}-certainty": "7"},
        ),
    }
    for case, (number, fields) in cases.items():
        response = client.post(url(attempt, number), {**fields, "go": "next"})
        assert response.status_code == 400, case
        assert b"nothing was saved" in response.content, case
        assert snapshot_of(attempt) == before, case
        autosave = client.post(url(attempt, number), {**fields, "autosave": "1"})
        assert autosave.status_code == 400 and json.loads(autosave.content)["saved"] is False, case
        assert snapshot_of(attempt) == before, case
    assert multi_page >= 1
    assert client.get(url(attempt, len(pages(attempt.questions)) + 1)).status_code == 404
    assert client.post(url(attempt, len(pages(attempt.questions)) + 1), data).status_code == 404
    assert client.get(url(attempt, 0)).status_code == 404
    assert snapshot_of(attempt) == before


def test_another_attempts_option_id_is_refused(client):
    learner, quiz, attempt = started(client)
    other_learner = make_learner()
    enrolment = course_services.enrol(other_learner, quiz.course)
    open_the_quiz(enrolment)
    theirs = services.start_attempt(other_learner, quiz)
    single, number = page_of(attempt, "single_choice")
    their_single = next(q for q in theirs.questions if q["type"] == "single_choice")
    mine_ids = {o["id"] for q in attempt.questions for o in q.get("options", [])}
    their_option = next(o["id"] for o in their_single["options"] if o["id"] not in mine_ids)
    before = snapshot_of(attempt)
    response = client.post(url(attempt, number), {f"q{single}-choice": str(their_option), "go": "next"})
    assert response.status_code == 400
    assert snapshot_of(attempt) == before
    # And her own attempt is not found by the other learner.
    client.force_login(other_learner)
    assert client.get(url(attempt, 1)).status_code == 404
    assert client.post(url(attempt, 1), page_fields(attempt, quiz_post(attempt), 1)).status_code == 404
    assert client.post(f"/quizzes/attempts/{attempt.pk}/summary/").status_code == 404
    assert snapshot_of(attempt) == before


def test_a_stale_page_after_submission_says_so_and_changes_nothing(client):
    learner, quiz, attempt = started(client)
    data = quiz_post(attempt, right=False)
    submit_pages(client, attempt, data)
    before = snapshot_of(attempt)
    attempt.refresh_from_db()
    score = attempt.score
    stale = client.post(
        url(attempt, 1), {**page_fields(attempt, quiz_post(attempt), 1), "go": "next"}, follow=True
    )
    assert b"already submitted" in stale.content
    autosave = client.post(url(attempt, 1), {**page_fields(attempt, quiz_post(attempt), 1), "autosave": "1"})
    assert autosave.status_code == 409 and json.loads(autosave.content)["saved"] is False
    again = client.post(f"/quizzes/attempts/{attempt.pk}/summary/", follow=True)
    assert b"already submitted" in again.content
    assert snapshot_of(attempt) == before
    attempt.refresh_from_db()
    assert attempt.score == score == 0


def test_autosave_answers_json_and_keeps_the_answers(client):
    learner, quiz, attempt = started(client)
    data = quiz_post(attempt)
    response = client.post(url(attempt, 1), {**page_fields(attempt, data, 1), "autosave": "1"})
    assert response.status_code == 200
    assert json.loads(response.content)["saved"] is True
    attempt.refresh_from_db()
    assert {str(p) for p in pages(attempt.questions)[0]} == set(attempt.draft)
    for position in pages(attempt.questions)[0]:
        expected = {k: v for k, v in as_lists(data).items() if k.startswith(f"q{position}-")}
        assert attempt.draft[str(position)] == expected


def test_the_same_post_twice_is_harmless(client):
    learner, quiz, attempt = started(client)
    fields = {**page_fields(attempt, quiz_post(attempt), 1), "go": "next"}
    first = client.post(url(attempt, 1), fields)
    attempt.refresh_from_db()
    draft = attempt.draft
    second = client.post(url(attempt, 1), fields)
    assert first.status_code == second.status_code == 302
    attempt.refresh_from_db()
    assert attempt.draft == draft
    submit_pages(client, attempt, quiz_post(attempt))
    client.post(f"/quizzes/attempts/{attempt.pk}/summary/")
    attempt.refresh_from_db()
    assert attempt.score == 100
    assert Response.objects.filter(attempt=attempt).count() == len(SAMPLE_QUESTIONS)
    assert Attempt.objects.filter(quiz=quiz).count() == 1


def test_the_quiz_is_closed_until_the_lessons_are_done(client):
    learner, quiz, enrolment = ready(lessons_done=False)
    client.force_login(learner)
    response = client.post(f"/quizzes/{quiz.slug}/start/", follow=True)
    assert b"Finish every lesson of the course before you take its quiz." in response.content
    assert not Attempt.objects.filter(quiz=quiz).exists()
    with pytest.raises(services.QuizError):
        services.start_attempt(learner, quiz)


def test_the_knowledge_check_once_without_feedback_until_the_quiz_is_passed(client):
    learner, quiz, enrolment = ready()
    Quiz.objects.filter(pk=quiz.pk).update(knowledge_check_size=4)
    client.force_login(learner)
    response = client.post(f"/quizzes/{quiz.slug}/knowledge-check/")
    check = Attempt.objects.get(quiz=quiz, purpose=Purpose.CHECK)
    assert response.url == f"/quizzes/attempts/{check.pk}/"
    assert len(check.questions) == 4
    result = submit_pages(client, check, quiz_post(check))
    check.refresh_from_db()
    assert check.score == 100 and not check.passed
    soup = BeautifulSoup(result.content, "html.parser")
    assert not soup.select(".feedback") and "Passed" not in result.content.decode()
    explanations = [q["explanation"] for q in check.questions]
    assert not any(text in result.content.decode() for text in explanations)
    again = client.post(f"/quizzes/{quiz.slug}/knowledge-check/", follow=True)
    assert b"already done the knowledge check" in again.content
    assert Attempt.objects.filter(quiz=quiz, purpose=Purpose.CHECK).count() == 1
    # A failed course quiz does not open the check's answers; a passed one does.
    client.post(f"/quizzes/{quiz.slug}/start/")
    failed = Attempt.objects.get(quiz=quiz, purpose=Purpose.QUIZ)
    submit_pages(client, failed, quiz_post(failed, right=False))
    closed = client.get(f"/quizzes/attempts/{check.pk}/result/").content.decode()
    assert not any(text in closed for text in explanations)
    client.post(f"/quizzes/{quiz.slug}/start/")
    passed = Attempt.objects.get(quiz=quiz, purpose=Purpose.QUIZ, number=2)
    submit_pages(client, passed, quiz_post(passed))
    opened = client.get(f"/quizzes/attempts/{check.pk}/result/").content.decode()
    assert all(text in opened for text in explanations)
    check.refresh_from_db()
    assert not check.passed


# -- query counts ---------------------------------------------------------------------------

FLAT_TYPES = ("single_choice", "spot_indicators", "multiple_response", "order")


def bank(copies):
    base = [q for q in SAMPLE_QUESTIONS if q["type"] in FLAT_TYPES]
    return [dict(q, key=f"{q['key']}-{n}") for n in range(copies) for q in base]


def queries(call):
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code in (200, 302), response.status_code
    return len(captured)


def measure(client, questions, pools=0):
    learner, quiz, enrolment = ready(questions)
    for order, kind in enumerate(FLAT_TYPES[:pools]):
        QuizPool.objects.create(quiz=quiz, sort_order=order, label=kind, question_type=kind, count=4)
    client.force_login(learner)
    client.post(f"/quizzes/{quiz.slug}/start/")
    attempt = Attempt.objects.get(quiz=quiz)
    fields = {**page_fields(attempt, quiz_post(attempt), 1), "go": "next"}
    client.get(url(attempt, 1))
    counts = {
        "page GET": queries(lambda: client.get(url(attempt, 1))),
        "page POST": queries(lambda: client.post(url(attempt, 1), fields)),
    }
    for number in range(2, len(pages(attempt.questions)) + 1):
        client.post(url(attempt, number), {**page_fields(attempt, quiz_post(attempt), number), "go": "next"})
    counts["summary GET"] = queries(lambda: client.get(f"/quizzes/attempts/{attempt.pk}/summary/"))
    counts["marking"] = queries(lambda: client.post(f"/quizzes/attempts/{attempt.pk}/summary/"))
    attempt.refresh_from_db()
    assert attempt.score == 100
    return len(attempt.questions), counts


def test_attempt_pages_and_marking_have_flat_query_counts(client):
    small_size, small = measure(client, bank(1))
    big_size, big = measure(client, bank(5), pools=4)
    assert (small_size, big_size) == (4, 16)
    assert small == big
