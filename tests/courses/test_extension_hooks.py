"""An app built on courses adds to a learner's completions and to the site's navigation
through Wagtail's hook registry alone: no template of courses or cms is overridden."""

import copy

import pytest
from bs4 import BeautifulSoup
from wagtail import hooks

from cms.models import Agency
from cms.templatetags.site_menu_tags import HOOK as SITE_MENU_HOOK
from courses import services
from courses.models import AgencyLead
from courses.progress import COMPLETION_EXTRA_HOOK, CompletionExtra
from tests.factories import finish_lesson, lessons_of, make_course, make_learner, survey_ratings

pytestmark = pytest.mark.django_db


@pytest.fixture
def extra_templates(settings, tmp_path):
    """Templates of an imaginary app, in a directory of their own."""
    (tmp_path / "badges").mkdir()
    (tmp_path / "badges" / "learner.html").write_text(
        '<p class="badge">Badge for {{ journey.course.title }}: {{ completion.badge }}</p>'
    )
    (tmp_path / "badges" / "staff.html").write_text('<span class="badge">{{ completion.badge }}</span>')
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [tmp_path]
    settings.TEMPLATES = templates


def attach_badges(completions):
    for completion in completions:
        completion.badge = f"gold #{completion.pk}"


def badges():
    return CompletionExtra(attach=attach_badges, learner_template="badges/learner.html", staff_template="badges/staff.html")


def lead_for(code):
    user = make_learner(code, email=f"lead.{code}.hooks@example.org", job_role="manager")
    AgencyLead.objects.create(user=user).agencies.add(Agency.objects.get(code=code))
    return user


def completed(learner):
    course = make_course(lessons=1, title="Badged course")
    enrolment = services.enrol(learner, course)
    services.submit_survey(enrolment, "before", survey_ratings("before"))
    finish_lesson(enrolment, lessons_of(course)[0])
    services.submit_survey(enrolment, "after", survey_ratings("after"))
    return enrolment.completion


def test_a_completion_extra_shows_on_my_learning_and_in_the_staff_record(client, extra_templates):
    learner = make_learner("housing")
    completion = completed(learner)
    with hooks.register_temporarily(COMPLETION_EXTRA_HOOK, badges):
        client.force_login(learner)
        mine = BeautifulSoup(client.get("/my/").content, "html.parser")
        client.force_login(lead_for("housing"))
        record = BeautifulSoup(client.get(f"/leads/reports/staff/{learner.pk}/").content, "html.parser")
    assert mine.select_one("p.badge").get_text() == f"Badge for Badged course: gold #{completion.pk}"
    assert record.select_one("td span.badge").get_text() == f"gold #{completion.pk}"
    # Beside the certificates app's own extra (its task has not run), not instead of it.
    assert "Certificate being prepared" in record.select_one("td span.badge").parent.get_text()

    client.force_login(learner)
    assert "badge" not in client.get("/my/").content.decode()


def test_an_app_adds_to_the_main_navigation(client):
    def help_item(request):
        return '<li><a href="/help/">Help</a></li>'

    with hooks.register_temporarily(SITE_MENU_HOOK, help_item):
        nav = BeautifulSoup(client.get("/").content, "html.parser").select_one("nav.site-nav")
    links = [a.get_text() for a in nav.select("a")]
    assert links[-1] == "Help" and "Sign in" in links and "Courses" in links
