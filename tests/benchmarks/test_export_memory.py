"""The staff list of 100,000 people as CSV and XLSX: the streamed downloads (courses.exports)
against the old way, which built every row, then the whole file, in memory before sending a
byte (`in_memory` below is that code, kept here as the baseline). Prints, for each, the
Python memory it grew by (tracemalloc's peak) and the time to the first byte and to the last,
measured in turns in one run.

    make bench                                                    # on SQLite
    DATABASE_URL=postgres://... make bench                        # on PostgreSQL
"""

import csv
import io
import os
import time
import tracemalloc

import pytest
from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone
from openpyxl import Workbook

from cms.models import Agency
from courses import reports
from courses.exports import lines
from courses.models import AgencyLead, LearnerProfile
from courses.reporting.views import described, report_scope
from courses.views.reports import staff_download
from tests.factories import make_learner

pytestmark = pytest.mark.django_db
PEOPLE = int(os.environ.get("BENCH_EXPORT_ROWS", "100000"))
MEMORY_TARGET = 50  # MB the streamed download may grow the worker by
FIRST_BYTE_TARGET = 1.0  # seconds to the CSV's first byte


def seed(agency, people):
    User = get_user_model()
    now = timezone.now()
    users = User.objects.bulk_create(
        User(
            username=f"bench{n}@example.org",
            email=f"bench{n}@example.org",
            first_name="Bench",
            last_name=f"Person {n:06d}",
            password="!",
        )
        for n in range(people)
    )
    LearnerProfile.objects.bulk_create(
        (
            LearnerProfile(user=user, agency=agency, job_role="housing", privacy_accepted_at=now)
            for user in users
        ),
        batch_size=5000,
    )


def in_memory(request, kind):
    """The old staff download: every profile and its completions in a list, every row filled,
    then the whole CSV or workbook in memory."""
    agencies, period, _, course, job_role = report_scope(request)
    staff = reports.attach_completions(list(reports.staff_list(agencies, job_role)), agencies, period, course)
    scope = (agencies, period.label, period.slug, course, job_role)
    about, _ = described("Training numbers: your staff", "staff", *scope)
    rows = list(lines([reports.STAFF.fill(staff)], about))
    if kind == "xlsx":
        book = Workbook()
        for row in rows:
            book.active.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        return HttpResponse(buffer.getvalue())
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return HttpResponse(text.getvalue())


def streamed(request, kind):
    return staff_download(request).response()


def measure(make, request, kind, memory):
    """(seconds to the first byte, seconds to the last, bytes sent, MB grown) for one download,
    read as a browser would, a chunk at a time."""
    if memory:
        tracemalloc.start()
    start = time.perf_counter()
    response = make(request, kind)
    chunks = iter(response.streaming_content if response.streaming else [response.content])
    size = len(next(chunks))
    first = time.perf_counter() - start
    size += sum(len(chunk) for chunk in chunks)
    response.close()
    last = time.perf_counter() - start
    grown = 0.0
    if memory:
        grown = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
    return first, last, size, grown


def test_the_staff_download_of_100000_people_streams_in_flat_memory():
    agency = Agency.objects.get(code="csc")
    lead = make_learner("csc", job_role="manager")
    AgencyLead.objects.create(user=lead).agencies.add(agency)
    seed(agency, PEOPLE)
    request = RequestFactory().get(
        "/leads/reports/", {"period": "this_year", "table": "staff", "export": "csv"}
    )
    request.user = lead
    print(f"\nStaff download of {PEOPLE:,} people (old: in memory; new: streamed)")
    results = {}
    for kind in ("csv", "xlsx"):
        request.GET = request.GET.copy()
        request.GET["export"] = kind
        for memory in (
            False,
            True,
        ):  # timed without tracemalloc (which slows Python down), then measured with it
            for name, make in (
                ("old", in_memory),
                ("new", streamed),
                ("old ", in_memory),
                ("new ", streamed),
            ):
                if memory and name.endswith(" "):
                    continue  # memory once each; times twice, in turns
                first, last, size, grown = measure(make, request, kind, memory)
                key = (kind, name.strip())
                found = results.setdefault(key, {"first": [], "last": [], "size": size, "grown": 0.0})
                if memory:
                    found["grown"] = grown
                else:
                    found["first"].append(first)
                    found["last"].append(last)
        old, new = results[(kind, "old")], results[(kind, "new")]
        assert abs(old["size"] - new["size"]) < old["size"] * 0.2  # the same rows (XLSX packs differently)
        first_old, first_new = min(old["first"]), min(new["first"])
        print(
            f" {kind.upper()}: first byte {first_old:.2f} s → {first_new:.2f} s ({first_old / first_new:.0f}× sooner); "
            f"last byte {min(old['last']):.2f} s → {min(new['last']):.2f} s; "
            f"memory grown {old['grown']:.0f} MB → {new['grown']:.1f} MB ({old['grown'] / new['grown']:.0f}× less); "
            f"{new['size'] / 1e6:.1f} MB file"
        )
        assert new["grown"] < MEMORY_TARGET
    assert min(results[("csv", "new")]["first"]) < FIRST_BYTE_TARGET
