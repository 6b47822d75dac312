"""Suite-wide fixtures: the shipped content is loaded once into the test database, so
every test reads the real toolkit; each test's own changes are rolled back."""

import io
import os
from urllib.parse import urlsplit

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from courses import services
from courses.models import Completion, Enrolment
from tests.factories import finish_lesson, lessons_of, make_course, make_learner, survey_ratings

IN_CI = os.environ.get("CI") == "true"
os.environ.setdefault("DEMO_PASSWORD", "test-demo-password")
os.environ.setdefault("DEMO_TOTP_SECRET", "JBSWY3DPEHPK3PXPDEMOSLHUB2FACTOR")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_content", stdout=io.StringIO())
        call_command("seed_demo", extra_learners=0, stdout=io.StringIO())


@pytest.fixture(scope="module")
def empty_database_url(tmp_path_factory):
    """The address of a new, empty database of the kind this run tests, for `migrate` in
    another process as on a production install: a file on the SQLite run; on the PostgreSQL
    run a database of its own beside the suite's, dropped afterwards."""
    suite = os.environ.get("DATABASE_URL", "")
    if not suite.startswith("postgres"):
        yield f"sqlite:///{tmp_path_factory.mktemp('empty') / 'db.sqlite3'}"
        return
    address = urlsplit(suite)
    name = f"test_empty_{os.getpid()}"
    server = address._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield address._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits count in the cache: each test starts with none spent."""
    from django.core.cache import cache

    cache.clear()


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
            from certificates.models import Certificate
            from quizzes.models import Attempt, Quiz

            Certificate.objects.filter(completion__learner__in=made["users"]).delete()
            Attempt.objects.filter(learner__in=made["users"]).delete()
            Quiz.objects.filter(course__in=made["courses"]).delete()
            Completion.objects.filter(learner__in=made["users"]).delete()
            Enrolment.objects.filter(learner__in=made["users"]).delete()
            for course in made["courses"]:
                course.delete()
            for user in made["users"]:
                user.delete()


@pytest.fixture
def complete(django_capture_on_commit_callbacks):
    """Complete a one-lesson course for a new learner, running what waits for the commit
    (certificate issue), and return the completion."""

    def run(agency="housing", first_name="Holly", last_name="Harris", **course_options):
        learner = make_learner(agency, first_name=first_name, last_name=last_name)
        course = make_course(lessons=1, **course_options)
        with django_capture_on_commit_callbacks(execute=True):
            enrolment = services.enrol(learner, course)
            services.submit_survey(enrolment, "before", survey_ratings("before"))
            finish_lesson(enrolment, lessons_of(course)[0])
            services.submit_survey(enrolment, "after", survey_ratings("after"))
        return enrolment.completion

    return run


def pytest_report_header(config):
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    return [f"database: {engine}", f"CI: {IN_CI}"]


def is_postgres():
    return connection.vendor == "postgresql"


@pytest.fixture(autouse=True)
def _force_login_counts_as_two_step(monkeypatch):
    """`client.force_login` skips signing in altogether, so it also skips the second step that
    leads, editors and administrators must take (identity.middleware). The two-step tests
    sign in for real, through the pages."""
    from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
    from django.test import Client

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        session = self.session
        session[AUTHENTICATION_METHODS_SESSION_KEY] = [{"method": "mfa", "type": "totp", "at": 0}]
        session["account_authentication_methods_user"] = str(user.pk)
        session.save()

    monkeypatch.setattr(Client, "force_login", force_login)
