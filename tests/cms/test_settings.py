"""Production settings read everything secret from the environment and pass Django's
deployment checks."""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

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
# and verify limits count it.
COUNT_ONE_REQUEST = """
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
