"""Production settings read everything secret from the environment and pass Django's
deployment checks."""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import psycopg
import pytest
import redis
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.conftest import IN_CI

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "cms.settings.production",
    "SECRET_KEY": "a-long-random-production-secret-key-for-the-check-0123456789abcdef",
    "ALLOWED_HOSTS": "training.example.org",
    "DATABASE_URL": "postgres://user:pass@127.0.0.1:5432/db",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "WAGTAILADMIN_BASE_URL": "https://training.example.org",
}


def run_manage(*args, env, timeout=120):
    """`manage.py` in a fresh process with `env` and none of the production variables this
    process may have (a whole `migrate` on a busy machine wants a longer `timeout`)."""
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_a_shared_cache():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "REDIS_URL"}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "REDIS_URL" in result.stderr


@pytest.fixture
def redis_url():
    """A throwaway redis-server on a free loopback port."""
    binary = shutil.which("redis-server")
    if binary is None:
        # As for Chromium (tests/browser/conftest.py): .ci/run installs it, so in CI its
        # absence is a failure, never a skip; elsewhere the reason is printed.
        reason = "redis-server is not installed (Debian package redis-server)"
        if IN_CI:
            pytest.fail(f"CI=true but {reason}")
        pytest.skip(reason)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(50):
            with socket.socket() as attempt:
                if attempt.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)


# One visitor's request counted against a one-per-hour limit, as the sign-in, registration
# and verify limits count it. django-ratelimit starts a new count at a fixed second of each
# hour, so both processes read the same pinned clock: two processes a few seconds apart
# otherwise straddle that second now and then and both count a first request.
COUNT_ONE_REQUEST = """
import django_ratelimit.core
from types import SimpleNamespace
django_ratelimit.core.time = SimpleNamespace(time=lambda: 1_798_000_000.0)
from django.test import RequestFactory
from django_ratelimit.core import is_ratelimited
request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.5")
print("limited" if is_ratelimited(request, group="shared", key="ip", rate="1/h", increment=True) else "allowed")
"""


def test_two_production_processes_share_one_count_in_redis(redis_url):
    env = {**PRODUCTION_ENV, "REDIS_URL": redis_url}
    first = run_manage("shell", "-c", COUNT_ONE_REQUEST, env=env)
    second = run_manage("shell", "-c", COUNT_ONE_REQUEST, env=env)
    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    assert (first.stdout.split()[-1], second.stdout.split()[-1]) == ("allowed", "limited")


def test_no_update_check_or_outbound_settings():
    from django.conf import settings

    assert settings.WAGTAIL_ENABLE_UPDATE_CHECK is False
    assert settings.WAGTAILEMBEDS_FINDERS == []
    assert settings.TIME_ZONE == "Europe/London"


def test_redis_is_a_dependency_of_the_site_itself():
    """Production's cache needs the `redis` package whenever REDIS_URL is set, so it cannot
    live in an optional extra that an install may leave out (every page failed without it)."""
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    assert any(re.match(r"redis\b", requirement) for requirement in dependencies)


@pytest.mark.django_db
def test_pages_are_served_from_productions_redis_cache(redis_url, settings):
    from cms.models import ChapterPage

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}}
    settings.PAGE_CACHE_SECONDS = 600
    url = ChapterPage.objects.live().order_by("path").first().url
    first = Client().get(url)
    with CaptureQueriesContext(connection) as queries:
        second = Client().get(url)
    assert first.status_code == second.status_code == 200
    assert second.content == first.content
    assert len(queries) == 0
    assert redis.Redis.from_url(redis_url).keys("*page-cache:*")  # kept in Redis, not in the process


PRINT_DATABASE = """
from django.conf import settings
database = settings.DATABASES["default"]
print(database["CONN_MAX_AGE"], database["CONN_HEALTH_CHECKS"], database["OPTIONS"].get("options"))
"""
SHOW_JIT = """
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("SHOW jit")
    print("jit", cursor.fetchone()[0])
"""


def test_production_keeps_connections_and_checks_them_before_reuse():
    result = run_manage("shell", "-c", PRINT_DATABASE, env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "60 True -c jit=off"
    result = run_manage("shell", "-c", PRINT_DATABASE, env={**PRODUCTION_ENV, "CONN_MAX_AGE": "0"})
    assert result.stdout.splitlines()[-1] == "0 True -c jit=off"


@pytest.mark.postgres
@pytest.mark.django_db
def test_connections_to_postgresql_run_without_jit():
    """The server's default is on; every connection the site makes (these tests' too, and
    production's) turns it off."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (run with DATABASE_URL=postgres://...)")
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    with psycopg.connect(url) as plain:
        assert plain.execute("SHOW jit").fetchone()[0] == "on"  # the server's default
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
    result = run_manage("shell", "-c", SHOW_JIT, env={**PRODUCTION_ENV, "DATABASE_URL": url})
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "jit off"
