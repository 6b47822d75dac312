import io
from datetime import UTC, date, datetime, time

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_demo_accounts_exist_with_their_roles():
    User = get_user_model()
    admin = User.objects.get(username="admin@example.org")
    editor = User.objects.get(username="editor@example.org")
    assert admin.is_superuser
    assert not editor.is_superuser
    assert editor.groups.filter(name="Content editors").exists()
    assert admin.check_password("test-demo-password")


def test_running_again_keeps_existing_accounts_and_passwords(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "a-different-password")
    User = get_user_model()
    before = User.objects.count()
    call_command("seed_demo", extra_learners=0, stdout=io.StringIO())
    assert User.objects.count() == before
    assert User.objects.get(username="admin@example.org").check_password("test-demo-password")


def test_outside_development_a_password_must_be_given(monkeypatch, settings):
    monkeypatch.delenv("DEMO_PASSWORD")
    settings.DEBUG = False
    get_user_model().objects.filter(username__in=["admin@example.org", "editor@example.org"]).delete()
    with pytest.raises(CommandError, match="DEMO_PASSWORD"):
        call_command("seed_demo", extra_learners=0, stdout=io.StringIO())
    assert not get_user_model().objects.filter(username="admin@example.org").exists()


def test_a_learner_for_every_agency_with_some_records():
    from cms.models import Agency
    from courses.models import Completion, LearnerProfile, SurveyResponse

    for agency in Agency.objects.all():
        profile = LearnerProfile.objects.get(user__username=f"learner.{agency.code}@example.org")
        assert profile.agency == agency
    completions = Completion.objects.filter(learner__username__startswith="learner.")
    assert completions.values("agency").distinct().count() >= 6
    assert completions.filter(course__agency__isnull=False).exists()  # some agency modules too
    assert SurveyResponse.objects.filter(phase="retrospective").exists()
    assert Completion.objects.filter(learner__username="learner.vcs@example.org").count() == 0


def test_extra_learners_fill_every_agency_and_keep_dates_in_order():
    from cms.models import Agency
    from courses.models import Completion

    call_command("seed_demo", extra_learners=2, stdout=io.StringIO())
    for agency in Agency.objects.all():
        assert get_user_model().objects.filter(username__startswith=f"learner.{agency.code}.").count() == 2
    for completion in Completion.objects.select_related("enrolment"):
        assert completion.enrolment.started_at <= completion.completed_at


def test_demo_staff_are_registered_before_they_start_training():
    """Otherwise a report shows more staff starting a course than are on the register."""
    from courses.models import Enrolment

    call_command("seed_demo", extra_learners=2, stdout=io.StringIO())
    enrolments = Enrolment.objects.filter(learner__username__startswith="learner.").select_related(
        "learner__learner_profile"
    )
    assert enrolments.exists()
    for enrolment in enrolments:
        assert enrolment.learner.learner_profile.created_at < enrolment.started_at


def test_the_demo_manager_sees_confidence_and_quiz_figures_on_the_reports_default_view(client):
    """The confidence and quiz reports open on the last 12 whole months, which the demo's
    records (5 to 330 days ago) fill whatever the day, even in the first month of a quarter,
    when "this quarter" has no month ended yet: here, ten days into the next quarter."""
    today = timezone.localdate()
    next_quarter = date(
        today.year + today.month // 10, (3 * ((today.month - 1) // 3) + 3) % 12 + 1, 1
    )  # Oct-Dec: January
    with time_machine.travel(datetime.combine(next_quarter.replace(day=10), time(12), UTC), tick=False):
        client.force_login(get_user_model().objects.get(username="manager@example.org"))
        confidence = client.get("/leads/reports/confidence/").content.decode()
        quiz = BeautifulSoup(client.get("/leads/reports/quiz/").content, "html.parser")
    assert "people (each person's mean rating over the areas)" in confidence
    people = [
        row.select("td")[0].get_text(strip=True)
        for row in quiz.select("table[data-table=questions] tbody tr")
    ]
    assert any(count.isdigit() and int(count) >= 5 for count in people)


def test_demo_editor_and_approver_are_in_the_content_groups():
    from cms.roles import CONTENT_APPROVERS, CONTENT_EDITORS

    User = get_user_model()
    approver = User.objects.get(username="approver@example.org")
    editor = User.objects.get(username="editor@example.org")
    assert list(approver.groups.values_list("name", flat=True)) == [CONTENT_APPROVERS]
    assert list(editor.groups.values_list("name", flat=True)) == [CONTENT_EDITORS]
    assert not approver.is_superuser and not approver.is_staff
    assert approver.check_password("test-demo-password")
    assert not approver.has_perm("cms.publish_resource")


def test_the_demo_editor_owns_content_some_of_it_overdue():
    from cms.dates import add_months
    from cms.models import ChapterPage, Resource

    editor = get_user_model().objects.get(username="editor@example.org")
    today = timezone.localdate()
    for model in (ChapterPage, Resource):
        owned = model.objects.filter(owner_person=editor, live=True)
        assert owned.count() >= 3
        overdue = [obj for obj in owned if add_months(obj.last_reviewed, obj.review_interval_months) < today]
        assert overdue, model


def test_a_demo_resource_with_a_broken_link():
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import ReferenceIndex

    from cms.models import Resource
    from links.models import Link, LinkUse

    resource = Resource.objects.get(url="https://example.org/moved-page")
    assert resource.title == "Demo: a moved page (example)"
    assert resource.live and resource.owner_person.username == "editor@example.org"
    link = Link.objects.get(url="https://example.org/moved-page")
    assert (link.status, link.http_code) == ("broken", 404)
    assert timezone.localtime(link.last_checked).date() == timezone.localdate()
    assert (timezone.now() - link.failing_since).days == 3
    assert Link.objects.failing().filter(pk=link.pk).exists()
    use = LinkUse.objects.get(link=link)
    assert (use.content_type, use.object_id) == (
        ContentType.objects.get_for_model(Resource),
        str(resource.pk),
    )
    # On no chapter: nothing refers to it (the chapters that list shipped resources do).
    assert not ReferenceIndex.get_references_to(resource).exists()
    shipped = Resource.objects.exclude(pk=resource.pk)[:20]
    assert any(ReferenceIndex.get_references_to(other).exists() for other in shipped)


def test_running_twice_makes_no_duplicates():
    from cms.models import Resource
    from links.models import Link, LinkUse

    def counts():
        return (
            get_user_model().objects.count(),
            Resource.objects.count(),
            Link.objects.count(),
            LinkUse.objects.count(),
            get_user_model().objects.get(username="approver@example.org").groups.count(),
        )

    before = counts()
    call_command("seed_demo", extra_learners=0, stdout=io.StringIO())
    call_command("seed_demo", extra_learners=0, stdout=io.StringIO())
    assert counts() == before


def test_outside_development_an_authenticator_secret_must_be_given(monkeypatch, settings):
    """The default demo secret is printed in the README: a demo on a real server needs its own."""
    monkeypatch.delenv("DEMO_TOTP_SECRET")
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEMO_TOTP_SECRET"):
        call_command("seed_demo", extra_learners=0, stdout=io.StringIO())
