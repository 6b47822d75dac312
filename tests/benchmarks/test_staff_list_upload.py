"""A staff list of 20,000 people: read, checked, previewed and applied, then uploaded again with
a quarter changed, left and joined. Prints the seconds each step takes.

    make bench                                                    # on SQLite
    TEST_DATABASE_URL=postgres://... make bench                   # on PostgreSQL
"""

import csv
import io
import os
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cms.models import Agency
from workforce.models import StaffListEntry
from workforce.staff_lists import apply_upload, check_file, compare, make_preview

pytestmark = pytest.mark.django_db
PEOPLE = int(os.environ.get("BENCH_LIST_ROWS", "20000"))
BOUND = 30  # seconds for check and apply: generous, to catch a step gone quadratic


def staff_csv(people, offset=0, team="North"):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Work email", "Name", "Job role", "Team"])
    for n in range(offset, offset + people):
        writer.writerow(
            [f"Person.{n}@Example.org", f"Person {n}", "Social worker", team if n % 2 else "South"]
        )
    return SimpleUploadedFile("staff.csv", out.getvalue().encode())


def timed(label, work):
    start = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - start
    print(f"  {label}: {seconds:.2f} s")
    return result, seconds


def test_check_and_apply_a_staff_list_of_20000():
    agency = Agency.objects.get(code="csc")
    StaffListEntry.objects.filter(agency=agency).delete()
    print(f"\nStaff list of {PEOPLE:,} people:")
    total = 0
    for round_name, upload in [
        ("first upload", staff_csv(PEOPLE)),
        (
            "re-upload, a quarter joined/left and half changed",
            staff_csv(PEOPLE, offset=PEOPLE // 4, team="East"),
        ),
    ]:
        print(f" {round_name}")
        rows, check = timed("read and check", lambda upload=upload: check_file(upload))
        preview, keep = timed(
            "keep the preview", lambda rows=rows: make_preview(agency, None, "staff.csv", rows)
        )
        _, diff = timed("compare with the list", lambda preview=preview: compare(agency, preview.rows))
        applied, apply = timed("apply", lambda preview=preview: apply_upload(preview.pk, agency))
        total = check + keep + apply
        print(f"  check, preview and apply: {total:.2f} s")
        assert total < BOUND
    assert StaffListEntry.objects.filter(agency=agency).count() == PEOPLE
    quarter = PEOPLE // 4
    assert (applied.joined, applied.left) == (quarter, quarter)
    assert applied.changed + applied.unchanged == PEOPLE - quarter
