"""The preview of a staff list and applying it: who joins, leaves and changes, counted against
the rows written here; one application however often it is sent; leavers' invitations deleted
and training records kept; stale previews purged."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cms.models import Agency
from courses.models import Completion
from tests.factories import make_learner
from workforce.models import Reminder, StaffListEntry, StaffListUpload
from workforce.staff_lists import NotWaiting, apply_upload, compare, make_preview, purge_stale_previews

pytestmark = pytest.mark.django_db


def row(email, name, job_role="probation", team=""):
    return {"email": email, "name": name, "job_role": job_role, "team": team}


@pytest.fixture
def agency():
    agency = Agency.objects.get(code="probation")
    StaffListEntry.objects.filter(agency=agency).delete()
    return agency


def listed(agency):
    return {e.email: (e.name, e.job_role, e.team) for e in StaffListEntry.objects.filter(agency=agency)}


def test_a_first_list_is_all_joiners_and_counts_the_unregistered(agency):
    make_learner("probation", email="reg@example.org")
    make_learner("housing", email="Mixed.Case@Example.org")  # registered elsewhere, any case
    rows = [
        row("reg@example.org", "Reg"),
        row("mixed.case@example.org", "Mix"),
        row("new@example.org", "New"),
    ]
    preview = compare(agency, rows)
    assert [r["email"] for r in preview.joined] == [
        "mixed.case@example.org",
        "new@example.org",
        "reg@example.org",
    ]
    assert (preview.left, preview.changed, preview.unchanged) == ([], [], 0)
    assert preview.not_registered == 1


def test_re_uploading_reports_joiners_leavers_changes_and_unchanged(agency):
    first = [
        row("stay@example.org", "Stay"),
        row("move@example.org", "Move", team="North"),
        row("go@example.org", "Go"),
        row("rename@example.org", "Old Name"),
    ]
    apply_upload(make_preview(agency, None, "first.csv", first).pk, agency)
    second = [
        row("stay@example.org", "Stay"),
        row("move@example.org", "Move", team="South"),
        row("rename@example.org", "New Name", job_role="manager"),
        row("join@example.org", "Join"),
    ]
    upload = make_preview(agency, None, "second.csv", second)
    preview = compare(agency, upload.rows)
    assert [r["email"] for r in preview.joined] == ["join@example.org"]
    assert [e.email for e in preview.left] == ["go@example.org"]
    assert sorted(c.email for c in preview.changed) == ["move@example.org", "rename@example.org"]
    assert preview.unchanged == 1
    assert listed(agency)["go@example.org"] == ("Go", "probation", "")  # nothing changed yet

    applied = apply_upload(upload.pk, agency)
    assert (applied.joined, applied.left, applied.changed, applied.unchanged) == (1, 1, 2, 1)
    assert applied.status == StaffListUpload.Status.APPLIED and applied.rows == [] and applied.applied_at
    assert listed(agency) == {r["email"]: (r["name"], r["job_role"], r["team"]) for r in second}


def test_applying_twice_applies_once(agency):
    upload = make_preview(agency, None, "a.csv", [row("a@example.org", "A")])
    apply_upload(upload.pk, agency)
    StaffListEntry.objects.filter(agency=agency).update(name="Edited since")
    with pytest.raises(NotWaiting):
        apply_upload(upload.pk, agency)
    assert listed(agency) == {"a@example.org": ("Edited since", "probation", "")}


def test_another_agencys_upload_is_not_applied(agency):
    other = Agency.objects.get(code="yos")
    upload = make_preview(other, None, "a.csv", [row("a@example.org", "A")])
    with pytest.raises(NotWaiting):
        apply_upload(upload.pk, agency)
    assert not StaffListEntry.objects.filter(email="a@example.org").exists()
    assert StaffListUpload.objects.get(pk=upload.pk).status == StaffListUpload.Status.PREVIEWED


def test_leavers_invitations_go_and_training_records_stay(agency, complete):
    completion = complete(agency="probation")
    learner = completion.learner
    learner.email = "trained@example.org"
    learner.save()
    apply_upload(
        make_preview(
            agency,
            None,
            "a.csv",
            [row("trained@example.org", "T"), row("never@example.org", "N"), row("k@example.org", "K")],
        ).pk,
        agency,
    )
    Reminder.objects.create(
        agency=agency, email="never@example.org", kind="invitation", state="not_registered"
    )
    Reminder.objects.create(agency=agency, email="k@example.org", kind="invitation", state="not_registered")
    Reminder.objects.create(
        agency=agency, email="trained@example.org", user=learner, kind="reminder", state="x"
    )
    other = Agency.objects.get(code="yos")
    Reminder.objects.create(
        agency=other, email="never@example.org", kind="invitation", state="not_registered"
    )

    apply_upload(make_preview(agency, None, "b.csv", [row("k@example.org", "K")]).pk, agency)

    assert list(Reminder.objects.filter(agency=agency).values_list("email", flat=True).order_by("email")) == [
        "k@example.org",
        "trained@example.org",
    ]
    assert Reminder.objects.filter(agency=other).count() == 1
    assert Completion.objects.filter(learner=learner).count() == 1
    assert listed(agency) == {"k@example.org": ("K", "probation", "")}


def test_previews_older_than_a_day_are_purged_at_the_next_upload(agency):
    old = make_preview(agency, None, "old.csv", [row("a@example.org", "A")])
    make_preview(agency, None, "recent.csv", [row("a@example.org", "A")])
    applied = make_preview(agency, None, "applied.csv", [row("a@example.org", "A")])
    apply_upload(applied.pk, agency)
    day_ago = timezone.now() - timedelta(days=1, minutes=1)
    StaffListUpload.objects.filter(pk__in=[old.pk, applied.pk]).update(uploaded_at=day_ago)
    make_preview(agency, None, "new.csv", [row("b@example.org", "B")])
    kept = set(StaffListUpload.objects.filter(agency=agency).values_list("file_name", flat=True))
    assert kept == {"recent.csv", "applied.csv", "new.csv"}
    assert purge_stale_previews(timezone.now() + timedelta(days=2)) == 2  # recent and new
