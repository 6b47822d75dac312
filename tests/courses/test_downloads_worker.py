"""A large download in production: queued in the database (django_tasks_db) while the page
returns at once, then made by one run of the worker command, `db_worker`, which reads the
committed queue the way it does beside gunicorn."""

import io

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult
from wagtail.models import ModelLogEntry

from courses.models import Download
from privacy import audit
from tests.courses.test_downloads import MINE, REPORT, STAFF, emails_in, housing_staff_emails, lead_of
from tests.export_reading import read_export

pytestmark = pytest.mark.postgres


def test_the_database_queue_and_one_run_of_its_worker_make_the_download(
    committed, client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    settings.EXPORT_BACKGROUND_ROWS = 1
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend"},
        "links": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"},
    }
    lead = lead_of("housing")
    committed["users"].append(lead)
    try:
        client.force_login(lead)
        assert client.get(REPORT, {**STAFF, "export": "csv"}).url == MINE
        made = Download.objects.get(user=lead)
        assert made.status == Download.Status.QUEUED and not made.file
        assert "Being made" in client.get(MINE).content.decode()
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", stdout=io.StringIO())
        made.refresh_from_db()
        assert made.status == Download.Status.READY
        file = client.get(f"{MINE}{made.pk}/")
        assert emails_in(read_export(file)["tables"]["Your staff"]) == housing_staff_emails()
        assert DBTaskResult.objects.get(args_kwargs__args=[made.pk]).status == "SUCCESSFUL"
    finally:
        DBTaskResult.objects.filter(task_path="courses.downloads.make_download").delete()
        ModelLogEntry.objects.filter(user=lead, action=audit.EXPORTED).delete()
