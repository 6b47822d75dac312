"""Races on one attempt, on PostgreSQL: two submissions mark it once; two tabs saving
different pages both keep their answers; a save racing a submit never changes a marked attempt."""

import pytest
from django.http import QueryDict

from courses import services as course_services
from quizzes import services
from quizzes.draws import pages
from quizzes.models import Attempt, QuestionVersion, Response
from quizzes.scoring import model_answer
from tests.concurrency import learner_and_course, run_at_once
from tests.factories import (
    SAMPLE_QUESTIONS,
    make_learner,
    make_quiz,
    open_the_quiz,
    quiz_post,
)

pytestmark = pytest.mark.postgres


def test_two_simultaneous_submissions_mark_the_attempt_once(committed):
    learner, course = learner_and_course(committed, lessons=1)
    quiz = make_quiz(course, SAMPLE_QUESTIONS)
    enrolment = course_services.enrol(learner, course)
    open_the_quiz(enrolment)
    attempt = services.start_attempt(learner, quiz)
    right = [model_answer(q) for q in attempt.questions]
    wrong = [{} for _ in attempt.questions]
    answers = iter([right, wrong])

    def submit():
        try:
            return services.submit_attempt(Attempt.objects.get(pk=attempt.pk), next(answers)).score
        except services.AlreadySubmitted:
            return "refused"

    results, errors = run_at_once(2, submit)
    assert errors == []
    assert sorted(map(str, results)).count("refused") == 1
    assert Response.objects.filter(attempt=attempt).count() == len(SAMPLE_QUESTIONS)
    attempt.refresh_from_db()
    assert attempt.submitted_at is not None and attempt.score in (0, 100)


def open_attempt(committed):
    learner, course = learner_and_course(committed, lessons=1)
    quiz = make_quiz(course, SAMPLE_QUESTIONS)
    enrolment = course_services.enrol(learner, course)
    open_the_quiz(enrolment)
    return services.start_attempt(learner, quiz)


def page_post(attempt, positions):
    """The form data of the page holding `positions`, every answer right."""
    post = QueryDict(mutable=True)
    for name, value in quiz_post(attempt).items():
        if name.startswith(tuple(f"q{p}-" for p in positions)):
            post.setlist(name, [str(v) for v in value] if isinstance(value, list) else [str(value)])
    return post


def test_two_tabs_saving_different_pages_at_once_both_keep_their_answers(committed):
    attempt = open_attempt(committed)
    first, second = pages(attempt.questions)[:2]
    for _ in range(5):
        Attempt.objects.filter(pk=attempt.pk).update(draft={})
        jobs = iter([first, second])

        def save(jobs=jobs):
            positions = next(jobs)
            return services.save_answers(
                Attempt.objects.get(pk=attempt.pk), positions, page_post(attempt, positions)
            )

        results, errors = run_at_once(2, save)
        assert errors == [] and results == [[], []]
        attempt.refresh_from_db()
        assert set(attempt.draft) == {str(p) for p in first + second}


def test_a_save_racing_a_submit_never_changes_a_marked_attempt(committed):
    attempt = open_attempt(committed)
    first = pages(attempt.questions)[0]
    post = page_post(attempt, first)
    jobs = iter(["save", "submit"])

    def work():
        job = next(jobs)
        fresh = Attempt.objects.get(pk=attempt.pk)
        try:
            if job == "save":
                services.save_answers(fresh, first, post)
            else:
                services.submit_attempt(fresh)
        except services.AlreadySubmitted:
            return f"{job} refused"
        return f"{job} done"

    results, errors = run_at_once(2, work)
    assert errors == []
    assert "submit done" in results
    attempt.refresh_from_db()
    scores = dict(Response.objects.filter(attempt=attempt).values_list("position", "score"))
    assert len(scores) == len(SAMPLE_QUESTIONS)
    if "save done" in results:
        # The save came first: the marking read it.
        assert all(scores[p] == 1 for p in first) and set(attempt.draft) == {str(p) for p in first}
    else:
        # The submission came first: nothing was saved after it.
        assert all(scores[p] == 0 for p in first) and attempt.draft == {}
    marked = (attempt.score, attempt.submitted_at, sorted(scores.items()))
    with pytest.raises(services.AlreadySubmitted):
        services.save_answers(attempt, first, post)
    attempt.refresh_from_db()
    after = dict(Response.objects.filter(attempt=attempt).values_list("position", "score"))
    assert (attempt.score, attempt.submitted_at, sorted(after.items())) == marked


def test_attempts_submitted_at_once_that_need_the_same_new_versions_both_keep_them(committed):
    """Each round is a new quiz, so both submissions insert the same versions at the same
    moment; the second waits for the first and reads its rows instead of failing."""
    made, people = [], []
    try:
        for _ in range(4):
            learner, course = learner_and_course(committed, lessons=1)
            other = make_learner()
            committed["users"].append(other)
            people += [learner, other]
            quiz = make_quiz(course, SAMPLE_QUESTIONS)
            attempts = []
            for person in (learner, other):
                open_the_quiz(course_services.enrol(person, course))
                attempts.append(services.start_attempt(person, quiz))
            jobs = iter(attempts)

            def submit(jobs=jobs):
                attempt = next(jobs)
                services.submit_attempt(Attempt.objects.get(pk=attempt.pk), [{} for _ in attempt.questions])
                return attempt.pk

            results, errors = run_at_once(2, submit)
            assert errors == [] and len(results) == 2
            versions = set(Response.objects.filter(attempt__in=attempts).values_list("version_id", flat=True))
            made += versions
            assert len(versions) == len(SAMPLE_QUESTIONS)
            assert QuestionVersion.objects.filter(question__quiz=quiz).count() == len(SAMPLE_QUESTIONS)
            for attempt in attempts:
                responses = Response.objects.filter(attempt=attempt).select_related("version")
                assert [r.shown_snapshot for r in responses.order_by("position")] == attempt.questions
    finally:
        Attempt.objects.filter(learner__in=people).delete()
        QuestionVersion.objects.filter(pk__in=made).delete()
