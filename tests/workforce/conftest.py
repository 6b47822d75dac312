"""The suite's database has the demo's workforce (seed_demo gives Housing a staff list and
Police a headcount). Each test here starts without it, so the figures it checks are only
those of the rows it writes (rolled back with the test, like everything else)."""

import pytest

from workforce.models import (
    CoverageTarget,
    Headcount,
    Reminder,
    ReminderWindow,
    StaffListEntry,
    StaffListUpload,
)


@pytest.fixture(autouse=True)
def _without_the_demo_workforce(request):
    if request.node.get_closest_marker("django_db") is None:
        return  # the PostgreSQL race tests commit their own rows and clean them up
    request.getfixturevalue("db")
    for model in (StaffListEntry, StaffListUpload, Headcount, CoverageTarget, Reminder, ReminderWindow):
        model.objects.all().delete()
