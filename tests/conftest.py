"""Suite-wide fixtures: the shipped content is loaded once into the test database, so
every test reads the real toolkit; each test's own changes are rolled back."""

import io
import os

import pytest
from django.core.management import call_command
from django.db import connection

IN_CI = os.environ.get("CI") == "true"
os.environ.setdefault("DEMO_PASSWORD", "test-demo-password")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_content", stdout=io.StringIO())
        call_command("seed_demo", stdout=io.StringIO())


def pytest_report_header(config):
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    return [f"database: {engine}", f"CI: {IN_CI}"]


def is_postgres():
    return connection.vendor == "postgresql"
