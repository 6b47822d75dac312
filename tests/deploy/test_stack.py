"""The production stack on real parts (deploy/stack.py): PostgreSQL, redis-server, two gunicorn
processes behind the proxy that writes X-Forwarded-For, a task worker, the SMTP sink. A short
run of the load test, then the limits and locks that must hold across processes and behind the
proxy: rate limits count in the shared Redis, django-axes locks in the shared database, and the
address they count is the one the proxy wrote, whatever the visitor claims.

PostgreSQL only (production runs on it). The stack's database is a copy of the suite's own
(migrated, content loaded), so `migrate` and `load_content` have little to do."""

import random
import shutil

import pytest
import redis
from django.db import connection, connections

from courses.models import Enrolment
from deploy import load
from deploy.stack import Stack, free_port, measure
from tests.conftest import IN_CI

# Marked so that the suite's test database exists (it is the stack's template); the tests
# themselves read and write only the stack's own database, through its pages.
pytestmark = pytest.mark.django_db

RESERVED = 4  # learners kept out of the load test for the tests below
SIGN_IN = "/accounts/sign-in/"
RESET = "/accounts/password-reset/"
REGISTER = "/accounts/register/"


@pytest.fixture(scope="module")
def stack(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            pytest.skip("the production stack runs on PostgreSQL (run with DATABASE_URL=postgres://...)")
        if shutil.which("redis-server") is None:
            # As for Chromium (tests/browser/conftest.py): a failure in CI, a printed skip elsewhere.
            reason = "redis-server is not installed (Debian package redis-server)"
            if IN_CI:
                pytest.fail(f"CI=true but {reason}")
            pytest.skip(reason)
        settings = connection.settings_dict
        template = settings["NAME"]
        url = (
            f"postgres://{settings['USER']}:{settings['PASSWORD']}@{settings['HOST'] or '127.0.0.1'}:"
            f"{settings['PORT'] or 5432}/{template}_stack"
        )
        connections.close_all()  # a database is copied only while nobody is connected to it
        ports = [free_port() for _ in range(4)]
        with Stack(
            url,
            port=ports[0],
            gunicorn_ports=tuple(ports[1:3]),
            redis_port=ports[3],
            learners=12,
            template=template,
        ) as running:
            yield running


@pytest.fixture
def fresh_limits(stack):
    """Every rate limit starts from nothing (they count in the stack's Redis)."""
    redis.Redis.from_url(stack.redis_url).flushdb()


def visitor(base_url, local_address=None, claims=None):
    """A browser of our own; `claims` is an X-Forwarded-For it sends (a spoof the proxy must see past)."""
    headers = {"X-Forwarded-For": claims} if claims else None
    return load.Visitor(base_url, load.Results(), lambda url: "test", local_address, headers)


def post_form(browser, path, fields):
    """Open the page (for its CSRF token) and send its form: the answer, whatever its status."""
    page = browser.get(path)
    form = load.form_of(page, path)
    return browser.submit(page, form, fields, expect_redirect=True, refuse_errors=False)


def reserved(stack, n):
    return f"load.learner.{stack.learners - n}@example.org"


def test_a_short_load_test_runs_every_kind_of_request_without_an_error(stack):
    printed = []
    problems, results = measure(
        stack, seconds=20, learners=2, readers=1, reserve=RESERVED, write=printed.append
    )
    assert problems == [], "\n".join(printed)
    assert results.journeys_started, "\n".join(printed)
    # Each learner who pressed Start has an enrolment in the stack's database, and nobody else.
    started = stack.query(
        f"SELECT u.username FROM {Enrolment._meta.db_table} e JOIN auth_user u ON u.id = e.learner_id "
        "WHERE u.username LIKE 'load.learner.%%'"
    )
    assert sorted(name for (name,) in started) == sorted(results.journeys_started)


def test_the_password_reset_limit_for_an_address_counts_across_both_processes(stack, fresh_limits):
    email = reserved(stack, 0)
    first, second = (visitor(url) for url in stack.backends)
    answers = [post_form(browser, RESET, {"email": email}) for browser in (first, second, first, second)]
    assert [a.status_code for a in answers] == [302, 302, 302, 429]
    assert "paused them for an hour" in answers[-1].text
    assert stack.mail.sent_to(email) == 3


def test_the_registration_limit_for_an_address_counts_across_both_processes(stack, fresh_limits):
    email = reserved(stack, 1)  # registered already: each accepted try emails its owner
    rng = random.Random(18)
    answers = []
    for url in stack.backends * 2:
        browser = visitor(url)
        page = browser.get(REGISTER)
        form = load.form_of(page, REGISTER)
        fields = load.fill(form, rng) | {
            "first_name": "Rita",
            "last_name": "Walsh",
            "email": email,
            "password1": "a-long-new-password-18",
            "password2": "a-long-new-password-18",
            "job_role": "other",
            "accept_privacy": "on",
        }
        answers.append(browser.submit(page, form, fields, expect_redirect=True, refuse_errors=False))
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert all("Check your email" in a.text for a in answers[:3])
    assert stack.mail.sent_to(email) == 3


def test_the_limit_per_address_counts_the_address_the_proxy_wrote_not_the_one_claimed(stack, fresh_limits):
    """Twenty resets an hour from one address: a visitor at 127.0.0.2 claiming a new address each
    time is still one visitor; another at 127.0.0.3 is not held back by her."""
    answers = [
        post_form(
            visitor(stack.url, "127.0.0.2", f"203.0.113.{n}"), RESET, {"email": f"nobody{n}@example.org"}
        )
        for n in range(21)
    ]
    assert [a.status_code for a in answers] == [302] * 20 + [429]
    other = post_form(visitor(stack.url, "127.0.0.3", "127.0.0.2"), RESET, {"email": "someone@example.org"})
    assert other.status_code == 302


def test_a_sign_in_is_recorded_from_the_address_the_proxy_wrote(stack, fresh_limits):
    email = reserved(stack, 2)
    browser = visitor(stack.url, "127.0.0.2", "198.51.100.7")
    answer = post_form(browser, SIGN_IN, {"username": email, "password": stack.password})
    assert answer.status_code == 302 and answer.headers["location"] == "/my/"
    assert stack.query("SELECT host(ip_address) FROM axes_accesslog WHERE username = %s", email) == [
        ("127.0.0.2",)
    ]


def test_an_account_locked_after_five_failures_stays_locked_whichever_process_answers(stack, fresh_limits):
    email = reserved(stack, 3)
    first, second = (visitor(url) for url in stack.backends)
    through_proxy = visitor(stack.url, "127.0.0.4", "203.0.113.99")
    wrong = {"username": email, "password": "not-the-password"}
    failures = [post_form(b, SIGN_IN, wrong) for b in (first, second, first, second, through_proxy)]
    assert [a.status_code for a in failures] == [200, 200, 200, 200, 429]
    right = {"username": email, "password": stack.password}
    for browser in (first, second, through_proxy, visitor(stack.url, "127.0.0.5")):
        assert post_form(browser, SIGN_IN, right).status_code == 429
        not_in = browser.request("GET", "/my/", expect_redirect=True)
        assert not_in.status_code == 302 and not_in.headers["location"].startswith(SIGN_IN)
    # Every try counts, the refused ones too, under the address the proxy wrote (127.0.0.1 for
    # the gunicorn processes asked directly): never the one claimed.
    counted = stack.query(
        "SELECT host(ip_address), failures_since_start FROM axes_accessattempt WHERE username = %s", email
    )
    assert dict(counted) == {"127.0.0.1": 4 + 2, "127.0.0.4": 1 + 1, "127.0.0.5": 1}
