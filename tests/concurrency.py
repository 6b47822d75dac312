"""Helpers for PostgreSQL race tests: committed data (threads cannot see a test's open
transaction) that is removed afterwards, and a way to start several calls at once."""

import threading

import pytest
from django.db import connection, connections

from courses.models import Completion, Enrolment
from tests.factories import make_course, make_learner


@pytest.fixture
def committed(django_db_setup, django_db_blocker):
    """Database access in autocommit mode; yields a list to which tests add what they made
    (users and courses), all removed at the end."""
    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            pytest.skip("concurrency tests need PostgreSQL (run with DATABASE_URL=postgres://...)")
        if not connection.settings_dict["NAME"].startswith("test_"):
            # pytest-django only creates the test database when a collected test is marked
            # django_db; these tests are not (threads need committed data), so they run
            # with the rest of the suite, never against a real database.
            pytest.skip("run with the rest of the suite, which creates the test database")
        made = {"users": [], "courses": []}
        try:
            yield made
        finally:
            from quizzes.models import Attempt, Quiz

            Attempt.objects.filter(learner__in=made["users"]).delete()
            Quiz.objects.filter(course__in=made["courses"]).delete()
            Completion.objects.filter(learner__in=made["users"]).delete()
            Enrolment.objects.filter(learner__in=made["users"]).delete()
            for course in made["courses"]:
                course.delete()
            for user in made["users"]:
                user.delete()


def learner_and_course(made, **course_options):
    learner, course = make_learner(), make_course(**course_options)
    made["users"].append(learner)
    made["courses"].append(course)
    return learner, course


def run_at_once(count, work):
    barrier = threading.Barrier(count)
    errors, results = [], []

    def worker():
        try:
            barrier.wait()
            results.append(work())
        except Exception as error:  # noqa: BLE001 (collected and asserted below)
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


