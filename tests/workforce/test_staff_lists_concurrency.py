"""Applying one staff list preview from several requests at once, on PostgreSQL: it is applied
once, and the list holds each person once."""

import pytest

from cms.models import Agency
from tests.concurrency import run_at_once
from workforce.models import StaffListEntry, StaffListUpload
from workforce.staff_lists import NotWaiting, apply_upload

pytestmark = pytest.mark.postgres


@pytest.fixture
def carers(committed):
    agency = Agency.objects.get(code="carers")
    StaffListEntry.objects.filter(agency=agency).delete()
    yield agency
    StaffListEntry.objects.filter(agency=agency).delete()
    StaffListUpload.objects.filter(agency=agency).delete()


def rows(count, prefix="p"):
    return [
        {"email": f"{prefix}{n}@example.org", "name": f"Person {n}", "job_role": "other", "team": ""}
        for n in range(count)
    ]


def test_one_preview_applied_by_five_requests_at_once_applies_once(carers):
    upload = StaffListUpload.objects.create(agency=carers, file_name="race.csv", rows=rows(50))

    def work():
        try:
            return apply_upload(upload.pk, carers).joined
        except NotWaiting:
            return "not waiting"

    results, errors = run_at_once(5, work)
    assert errors == []
    assert sorted(results, key=str) == [50, "not waiting", "not waiting", "not waiting", "not waiting"]
    assert StaffListEntry.objects.filter(agency=carers).count() == 50
    assert StaffListUpload.objects.get(pk=upload.pk).status == StaffListUpload.Status.APPLIED


def test_two_previews_applied_at_once_apply_one_after_the_other(carers):
    first = StaffListUpload.objects.create(agency=carers, file_name="a.csv", rows=rows(30))
    second = StaffListUpload.objects.create(agency=carers, file_name="b.csv", rows=rows(40)[10:])
    ids = iter([first.pk, second.pk])
    results, errors = run_at_once(2, lambda: apply_upload(next(ids), carers).file_name)
    assert errors == []
    assert sorted(results) == ["a.csv", "b.csv"]
    emails = set(StaffListEntry.objects.filter(agency=carers).values_list("email", flat=True))
    # Whichever applied last is the list, whole: never a mixture.
    assert emails in ({r["email"] for r in first.rows}, {r["email"] for r in second.rows})
