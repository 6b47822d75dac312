"""Marking quizzes at concurrency 8 on PostgreSQL, as a ratio to a plain page GET.

    TEST_DATABASE_URL=postgres://... make bench

Learners with a full draft each confirm their attempt on the summary page (the POST that
marks it) from 8 threads at once, through a real HTTP server on 127.0.0.1 (Django's live
server thread, a thread and a fresh database connection per request); in the same run, in
turn, 8 threads GET a plain Wagtail page and 8 threads GET an attempt's first page, all
signed in. Prints requests per second and median milliseconds of each, and the ratios to
the plain page. The bounds are loose, so that a loaded CI machine does not fail; they
catch marking or the attempt page becoming pathologically slow (a query per question
and pool, a lock held across requests). Every attempt must be marked exactly once.
"""

import http.client
import os
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.http import QueryDict
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
from django.test import Client
from django.test.testcases import LiveServerThread
from django.urls import reverse
from django.utils.crypto import get_random_string

from cms.models import ChapterPage, ToolkitIndexPage
from courses import services as course_services
from quizzes import services
from quizzes.answers import CERTAINTY_FIELD, field_prefix
from quizzes.models import Attempt, Quiz, Response
from tests.factories import finish_lessons, make_course, make_learner, make_quiz, quiz_post

pytestmark = pytest.mark.postgres

THREADS = 8
ROUNDS = 4
ATTEMPTS = int(os.environ.get("BENCH_ATTEMPTS", "96"))  # marked in the measured rounds
MARKING_PER_PLAIN_GET_AT_LEAST = 0.1
ATTEMPT_PAGE_PER_PLAIN_GET_AT_LEAST = 0.1


def require_postgres(request):
    """Skip (with the reason) unless the run has a PostgreSQL test database. Checked before the
    shared fixtures load the shipped content, so a wrong database is never written to."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "marking throughput is measured on PostgreSQL (row locks, several connections): "
            "run TEST_DATABASE_URL=postgres://... make bench"
        )
    if not any(item.get_closest_marker("django_db") for item in request.session.items):
        pytest.skip(
            "run with the other benchmarks (make bench): their django_db mark creates the test database"
        )


@contextmanager
def live_server():
    """The port of a real HTTP server on 127.0.0.1 that reads the committed test data."""
    server = LiveServerThread("127.0.0.1", lambda handler: handler)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    try:
        yield server.port
    finally:
        server.terminate()


@contextmanager
def plain_page():
    """The address of a page with a title and nothing else, rendered by the same base template."""
    page = ChapterPage(title="Plain page", slug="plain-quiz-benchmark-page", source="-", body=[])
    ToolkitIndexPage.objects.get().add_child(instance=page)
    page.save_revision().publish()
    try:
        yield page.url
    finally:
        page.delete()


class Learner:
    """A signed-in learner as the browser presents her: a session cookie and a CSRF token."""

    def __init__(self, user):
        client = Client()
        client.force_login(user)
        self.csrf = get_random_string(CSRF_SECRET_LENGTH, CSRF_ALLOWED_CHARS)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        self.cookie = f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={self.csrf}"


def ready_attempt(made, quiz, course):
    """A learner whose open attempt has every answer (and how sure she is) saved in its draft."""
    user = make_learner()
    made["users"].append(user)
    enrolment = course_services.enrol(user, course)
    finish_lessons(enrolment)
    attempt = services.start_attempt(user, quiz)
    post = QueryDict(mutable=True)
    for name, value in quiz_post(attempt).items():
        post.setlist(name, value if isinstance(value, list) else [value])
    positions = range(1, len(attempt.questions) + 1)
    for position in positions:
        post[field_prefix(position) + CERTAINTY_FIELD] = "3"
    assert services.save_answers(attempt, positions, post) == []
    return Learner(user), attempt


def fetch(port, method, path, learner):
    """(status, Location, milliseconds) of one request on a new connection."""
    headers = {"Cookie": learner.cookie}
    body = None
    if method == "POST":
        body = urlencode({"csrfmiddlewaretoken": learner.csrf})
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    start = time.perf_counter()
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        client.request(method, path, body=body, headers=headers)
        response = client.getresponse()
        response.read()
    finally:
        client.close()
    return response.status, response.getheader("Location"), (time.perf_counter() - start) * 1000


def test_marking_throughput_at_concurrency_8(request):
    require_postgres(request)
    made = request.getfixturevalue("committed")
    with live_server() as port, plain_page() as plain:
        measure(made, port, plain)


def measure(made, port, plain):
    setup_started = time.perf_counter()
    # The after-survey is still to do, so a pass does not complete the course: the requests
    # measure marking, not the certificate (a queued task in production, made on the spot here).
    course = make_course(lessons=1, required=["lessons", "after_survey"])
    made["courses"].append(course)
    quiz = make_quiz(course)
    Quiz.objects.filter(pk=quiz.pk).update(certainty=True)
    quiz.refresh_from_db()
    warm_up = [ready_attempt(made, quiz, course) for _ in range(THREADS)]
    to_mark = [ready_attempt(made, quiz, course) for _ in range(ATTEMPTS)]
    browsing = [ready_attempt(made, quiz, course) for _ in range(THREADS)]
    question_count = len(to_mark[0][1].questions)
    print(
        f"\n{len(made['users'])} learners with full drafts of {question_count} questions "
        f"made in {time.perf_counter() - setup_started:.1f} s on {connection.vendor}"
    )

    def marking(jobs):
        return [("POST", reverse("quizzes:summary", args=[a.pk]), learner) for learner, a in jobs]

    def plain_gets(count):
        return [("GET", plain, browsing[n % THREADS][0]) for n in range(count)]

    def attempt_gets(count):
        return [
            ("GET", reverse("quizzes:attempt", args=[a.pk]), learner)
            for learner, a in (browsing[n % THREADS] for n in range(count))
        ]

    results = {"marking": [], "plain": [], "attempt page": []}
    seconds = dict.fromkeys(results, 0.0)
    with ThreadPoolExecutor(THREADS) as pool:

        def burst(kind, jobs):
            start = time.perf_counter()
            done = list(pool.map(lambda job: fetch(port, *job), jobs))
            if kind:
                seconds[kind] += time.perf_counter() - start
                results[kind] += done
            return done

        # The warm-up confirms each of its attempts twice at once, as two tabs would.
        twice = [job for pair in zip(marking(warm_up), marking(warm_up), strict=True) for job in pair]
        warmed = burst(None, twice + plain_gets(THREADS) + attempt_gets(THREADS))
        assert {status for status, _, _ in warmed} == {200, 302}
        batch = ATTEMPTS // ROUNDS
        for n in range(ROUNDS):
            bursts = [
                ("marking", marking(to_mark[n * batch : (n + 1) * batch])),
                ("plain", plain_gets(batch)),
                ("attempt page", attempt_gets(batch)),
            ]
            for kind, jobs in bursts[n % 3 :] + bursts[: n % 3]:  # each kind goes first in turn
                burst(kind, jobs)

    measured = to_mark[: batch * ROUNDS]
    result_urls = {reverse("quizzes:result", args=[a.pk]) for _, a in measured}
    assert sorted(status for status, _, _ in results["marking"]) == [302] * len(measured)
    assert {location for _, location, _ in results["marking"]} == result_urls
    assert {status for status, _, _ in results["plain"] + results["attempt page"]} == {200}

    marked = Attempt.objects.filter(pk__in=[a.pk for _, a in warm_up + to_mark])
    assert marked.filter(submitted_at__isnull=True).count() == len(to_mark) - len(measured)
    counts = dict(
        Response.objects.filter(attempt__in=marked)
        .values_list("attempt")
        .annotate(Count("pk"))
        .values_list("attempt", "pk__count")
    )
    assert set(counts) == {a.pk for _, a in warm_up + measured}
    assert set(counts.values()) == {question_count}, "an attempt was marked more (or less) than once"
    assert set(marked.filter(submitted_at__isnull=False).values_list("score", flat=True)) == {100}
    assert not Attempt.objects.filter(pk__in=[a.pk for _, a in browsing], submitted_at__isnull=False).exists()

    rate = {kind: len(done) / seconds[kind] for kind, done in results.items()}
    print(f"{'at concurrency ' + str(THREADS):20} {'requests/s':>11} {'median ms':>10} {'rate : plain':>13}")
    for kind, done in results.items():
        median = statistics.median(ms for _, _, ms in done)
        print(f"{kind:20} {rate[kind]:11.1f} {median:10.1f} {rate[kind] / rate['plain']:13.2f}")
    assert rate["marking"] / rate["plain"] > MARKING_PER_PLAIN_GET_AT_LEAST
    assert rate["attempt page"] / rate["plain"] > ATTEMPT_PAGE_PER_PLAIN_GET_AT_LEAST
