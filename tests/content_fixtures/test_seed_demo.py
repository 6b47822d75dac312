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
    next_quarter = date(today.year + today.month // 10, (3 * ((today.month - 1) // 3) + 3) % 12 + 1, 1)  # Oct-Dec: January
    with time_machine.travel(datetime.combine(next_quarter.replace(day=10), time(12), UTC), tick=False):
        client.force_login(get_user_model().objects.get(username="manager@example.org"))
        confidence = client.get("/leads/reports/confidence/").content.decode()
        quiz = BeautifulSoup(client.get("/leads/reports/quiz/").content, "html.parser")
    assert "people (each person's mean rating over the areas)" in confidence
    people = [row.select("td")[0].get_text(strip=True) for row in quiz.select("table[data-table=questions] tbody tr")]
    assert any(count.isdigit() and int(count) >= 5 for count in people)
