"""What a report does against a real primary and replica, run in a process of its own whose
settings name the pair (DATABASE_URL, REPLICA_DATABASE_URL): `python -m tests.replica.scenarios
<name>...` prints one line of JSON, the facts that tests/replica/test_streaming_replica.py
asserts, by scenario.

The suite's own process cannot be pointed at the pair (its `default` database is the test
database), so each scenario is a separate Django process, as a gunicorn worker would be.
Everything it writes is committed, in a new agency of its own, so scenarios never see each
other's staff."""

import itertools
import json
import os
import re
import sys
import time
import uuid
from contextlib import contextmanager


def setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.test")
    import django

    django.setup()
    from tests import factories

    # Each process's factories number emails and slugs from 1: scenarios share a database.
    factories._serial = itertools.count(int(time.time() * 1000) % 10**9)


@contextmanager
def queries_by_database():
    """What each database runs in the block: "<alias> reads", the number of SELECTs, and
    "<alias> writes", the tables written, in order."""
    from django.db import connections

    seen = {}

    def watcher(alias):
        def watch(execute, sql, params, many, context):
            if sql.lstrip().upper().startswith("SELECT"):
                seen[f"{alias} reads"] = seen.get(f"{alias} reads", 0) + 1
            else:
                table = re.search(r'(?:INTO|UPDATE|FROM)\s+"(\w+)"', sql)
                seen.setdefault(f"{alias} writes", []).append(table[1] if table else sql)
            return execute(sql, params, many, context)

        return watch

    with connections["default"].execute_wrapper(watcher("default")):
        if "replica" in connections:
            with connections["replica"].execute_wrapper(watcher("replica")):
                yield seen
        else:
            yield seen


def on_replica(sql):
    from django.db import connections

    with connections["replica"].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def wait_for_replay():
    """Until the replica has replayed all the primary has written so far."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_insert_lsn()::text")
        target = cursor.fetchone()[0]
    deadline = time.monotonic() + 20
    while not on_replica(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn"):
        if time.monotonic() > deadline:
            raise TimeoutError(f"the replica did not replay up to {target}")
        time.sleep(0.05)


@contextmanager
def replay_paused():
    """The replica stops applying the primary's changes (as when it lags far behind) until
    the block ends."""
    wait_for_replay()
    on_replica("SELECT pg_wal_replay_pause()::text")
    while on_replica("SELECT pg_get_wal_replay_pause_state()") != "paused":
        time.sleep(0.02)
    try:
        yield
    finally:
        on_replica("SELECT pg_wal_replay_resume()::text")


def agency_with_lead():
    """A new agency, and a lead of it who is also one of its staff, signed in."""
    from cms.models import Agency
    from courses.models import AgencyLead
    from tests.factories import make_learner

    serial = uuid.uuid4().hex[:8]
    agency = Agency.objects.create(code=f"replica-{serial}", name=f"Replica agency {serial}")
    lead = make_learner(agency.code, job_role="manager", first_name="Lena", last_name="Lead")
    AgencyLead.objects.create(user=lead).agencies.add(agency)
    return agency, lead, signed_in(lead)


def signed_in(user):
    """A client signed in as `user`, her second step taken (as the suite's conftest does)."""
    from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
    from django.test import Client

    client = Client()
    client.force_login(user)
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [{"method": "mfa", "type": "totp", "at": 0}]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()
    return client


def complete(learner, course):
    from courses import services
    from tests.factories import finish_lesson, lessons_of

    enrolment = services.enrol(learner, course)
    finish_lesson(enrolment, lessons_of(course)[0])
    return enrolment


def staff_rows(response):
    """The training report's staff table: for each name listed, whether it shows her
    completion of "Replica course"."""
    from bs4 import BeautifulSoup

    rows = {}
    for row in BeautifulSoup(response.content, "html.parser").select("table tr"):
        cells = [cell.get_text(" ", strip=True) for cell in row.find_all(["td", "th"])]
        if cells and cells[0] in ("Ada Early", "Bea Late", "Lena Lead"):
            rows[cells[0]] = "Replica course" in cells[-1]
    return rows


def report_page(client):
    from django.urls import reverse

    with queries_by_database() as queries:
        response = client.get(reverse("courses:report_training"))
    return {"status": response.status_code, "staff": staff_rows(response), "queries": queries}


def report_reads_replica():
    """Ada completed before the replica stopped replaying; Bea registered and completed after,
    and the lead made a token for the API after too."""
    from django.test import Client
    from wagtail.models import APIToken

    from courses.models import Completion
    from tests.factories import make_course, make_learner

    agency, lead, client = agency_with_lead()
    course = make_course(lessons=1, required=["lessons"], title="Replica course")
    complete(make_learner(agency.code, first_name="Ada", last_name="Early"), course)
    with replay_paused():
        complete(make_learner(agency.code, first_name="Bea", last_name="Late"), course)
        token = APIToken.create_token(user=lead, name="dashboard")[1]
        completions = Completion.objects.filter(course=course)
        raw = {"primary": completions.count(), "replica": completions.using("replica").count()}
        paused = report_page(client)
        with queries_by_database() as queries:
            api = Client().get("/api/v1/training-numbers", HTTP_AUTHORIZATION=f"Bearer {token}")
        api_facts = {"status": api.status_code, "completed": api.json().get("completed"), "queries": queries}
        streamed = streamed_count(completions)
    wait_for_replay()
    return {
        "completions": raw,
        "paused": paused,
        "api": api_facts,
        "streamed": streamed,
        "caught_up": report_page(client),
    }


def streamed_count(queryset):
    """What a streamed download (its rows read after its view has returned) counts."""
    from django.http import StreamingHttpResponse
    from django.test import RequestFactory

    from cms.db_routers import replica_reads

    def download(request):
        return StreamingHttpResponse(str(queryset.count()) for _ in range(1))

    request = RequestFactory().get("/download")
    response = replica_reads(download)(request)
    return int(b"".join(response.streaming_content))


def read_your_writes():
    """The lead finishes a course (a POST of hers) while the replica is paused; a colleague,
    another lead of the agency who wrote nothing, opens the same report at the same moment."""
    from django.test import override_settings
    from django.urls import reverse

    from courses import services
    from courses.models import AgencyLead, Completion
    from tests.factories import lessons_of, make_course, make_learner

    agency, lead, client = agency_with_lead()
    colleague = make_learner(agency.code, job_role="manager", first_name="Cora", last_name="Colleague")
    AgencyLead.objects.create(user=colleague).agencies.add(agency)
    course = make_course(lessons=1, required=["lessons"], title="Replica course")
    lesson = lessons_of(course)[0]
    enrolment = services.enrol(lead, course)
    services.open_lesson(enrolment, lesson)
    with replay_paused():
        finished = client.post(reverse("courses:finish_lesson", args=[enrolment.pk, lesson.pk]))
        completions = Completion.objects.filter(learner=lead, course=course)
        raw = {"primary": completions.count(), "replica": completions.using("replica").count()}
        result = {
            "finish_status": finished.status_code,
            "completions": raw,
            "lead": report_page(client),
            "colleague": report_page(signed_in(colleague)),
        }
        with override_settings(REPLICA_LAG_WINDOW=0):  # her window has passed
            result["lead_after_window"] = report_page(client)
    return result


def export_writes_audit_to_primary():
    """The staff CSV, exported while the replica is paused, and the audit entries it makes."""
    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType
    from django.urls import reverse
    from wagtail.models import ModelLogEntry

    from privacy import audit
    from tests.factories import make_learner

    agency, lead, client = agency_with_lead()
    ada = make_learner(agency.code, first_name="Ada", last_name="Early")
    with replay_paused():
        bea = make_learner(agency.code, first_name="Bea", last_name="Late")
        with queries_by_database() as queries:
            response = client.get(reverse("courses:report_training"), {"export": "csv", "table": "staff"})
            text = b"".join(response.streaming_content).decode("utf-8-sig")  # the rows are read as sent
        entries = ModelLogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(get_user_model()),
            action=audit.EXPORTED,
            user=lead,
        )
        about = {
            "primary": sorted(int(i) for i in entries.values_list("object_id", flat=True)),
            "replica": sorted(int(i) for i in entries.using("replica").values_list("object_id", flat=True)),
        }
    return {
        "status": response.status_code,
        "names": [name for name in ("Ada Early", "Bea Late", "Lena Lead") if name in text],
        "queries": queries,
        "audited": about,
        "ids": {"lead": lead.pk, "ada": ada.pk, "bea": bea.pk},
    }


def report_without_replica():
    """A report while the replica is down (the test stops it first), and a second one at
    once, which does not try the replica again (`tries` counts the attempts to connect)."""
    from django.conf import settings
    from django.db import connections

    from tests.factories import make_learner

    agency, _, client = agency_with_lead()
    make_learner(agency.code, first_name="Ada", last_name="Early")
    first = report_page(client)
    tries = []
    replica = connections["replica"]
    connect = replica.ensure_connection
    replica.ensure_connection = lambda: (tries.append(1), connect())[1]
    second = report_page(client)
    return {
        **first,
        "replica_configured": "replica" in settings.DATABASES,
        "second": {"status": second["status"], "tries": len(tries)},
    }


SCENARIOS = {
    f.__name__: f
    for f in (report_reads_replica, read_your_writes, export_writes_audit_to_primary, report_without_replica)
}

if __name__ == "__main__":
    setup()
    print(json.dumps({name: SCENARIOS[name]() for name in sys.argv[1:]}))
