"""Prerequisites as data: a lesson counts as finished only after it has been opened, the
activities that come before the lessons come first, and a course can require another."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail import hooks

from courses import activities, services
from courses.models import Completion, CoursePage, Enrolment, LessonOpened, LessonProgress
from courses.progress import journeys
from courses.wagtail_hooks import learner_progress_on_course_pages
from tests.factories import finish_lessons, lessons_of, make_course, make_learner, survey_ratings

pytestmark = pytest.mark.django_db


def finish_button(client, lesson):
    """GET the lesson as the learner does and return the action of its "Finish" form."""
    soup = BeautifulSoup(client.get(lesson.url).content, "html.parser")
    form = soup.select_one(".lesson-actions form")
    return form["action"] if form else None


# -- a lesson is finished only after it has been opened ------------------------------------------


def test_a_lesson_cannot_be_finished_before_it_is_opened_and_can_after():
    learner, course = make_learner(), make_course(lessons=2, required=["lessons"])
    enrolment = services.enrol(learner, course)
    first = lessons_of(course)[0]
    with pytest.raises(
        services.JourneyError, match="Open the lesson and read it before you mark it as finished"
    ):
        services.complete_lesson(enrolment, first)
    assert not LessonProgress.objects.filter(enrolment=enrolment).exists()

    services.open_lesson(enrolment, first)
    services.complete_lesson(enrolment, first)
    assert list(LessonProgress.objects.filter(enrolment=enrolment).values_list("lesson_id", flat=True)) == [
        first.pk
    ]


def test_the_finish_button_works_once_the_page_has_been_read_and_not_by_a_post_alone(client):
    learner, course = make_learner(), make_course(lessons=2, required=["lessons"])
    enrolment = services.enrol(learner, course)
    first, second = lessons_of(course)
    client.force_login(learner)

    finish_second = reverse("courses:finish_lesson", args=[enrolment.pk, second.pk])
    response = client.post(finish_second, follow=True)
    assert response.status_code == 200
    assert "Open the lesson and read it before you mark it as finished." in response.content.decode()
    assert not LessonProgress.objects.filter(enrolment=enrolment).exists()

    action = finish_button(client, first)
    assert LessonOpened.objects.filter(enrolment=enrolment, lesson=first).exists()
    client.post(action)
    assert LessonProgress.objects.filter(enrolment=enrolment, lesson=first).exists()
    # Coming back records nothing new.
    client.get(first.url)
    assert LessonOpened.objects.filter(enrolment=enrolment).count() == 1


def test_an_opening_by_another_learner_or_in_another_enrolment_does_not_count(client):
    course = make_course(lessons=1, required=["lessons"])
    lesson = lessons_of(course)[0]
    reader, other = make_learner(), make_learner()
    enrolment = services.enrol(other, course)
    services.enrol(reader, course)
    client.force_login(reader)
    client.get(lesson.url)
    with pytest.raises(services.JourneyError, match="Open the lesson"):
        services.complete_lesson(enrolment, lesson)

    # The reader finishes the course; opening it in the first cycle does not open it in the refresher.
    first_cycle = Enrolment.objects.get(learner=reader, course=course)
    services.complete_lesson(first_cycle, lesson)
    Completion.objects.filter(enrolment=first_cycle).update(
        expires_on=timezone.localdate() + timedelta(days=10)
    )
    refresher = services.enrol(reader, course)
    assert refresher.cycle == 2
    with pytest.raises(services.JourneyError, match="Open the lesson"):
        services.complete_lesson(refresher, lesson)


def test_visitors_previews_and_learners_not_enrolled_record_nothing(client):
    course = make_course(lessons=1, required=["lessons"])
    lesson = lessons_of(course)[0]
    assert client.get(lesson.url).status_code == 200  # anonymous
    client.force_login(make_learner())  # signed in, not enrolled
    assert client.get(lesson.url).status_code == 200
    assert not LessonOpened.objects.filter(lesson=lesson).exists()

    learner = make_learner()
    services.enrol(learner, course)
    preview = RequestFactory().get(lesson.url)
    preview.user, preview.is_preview = learner, True
    learner_progress_on_course_pages(lesson, preview)
    assert not LessonOpened.objects.filter(lesson=lesson).exists()
    preview.is_preview = False
    learner_progress_on_course_pages(lesson, preview)  # the same call, not a preview, records it
    assert LessonOpened.objects.filter(lesson=lesson).count() == 1


def test_opening_a_lesson_adds_at_most_two_queries_to_its_page(client, monkeypatch):
    learner, course = make_learner(), make_course(lessons=3)
    enrolment = services.enrol(learner, course)
    services.submit_survey(enrolment, "before", survey_ratings("before"))
    first, second, third = lessons_of(course)
    client.force_login(learner)

    def queries(lesson):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(lesson.url).status_code == 200
        return len(captured)

    with monkeypatch.context() as patch:
        patch.setattr(services, "open_lesson", lambda enrolment, lesson: None)
        queries(first)  # warms what any first page load reads
        without = queries(second)
    first_opening, again = queries(third), queries(third)
    assert LessonOpened.objects.filter(enrolment=enrolment, lesson=third).exists()
    assert not LessonOpened.objects.filter(enrolment=enrolment, lesson=second).exists()
    assert first_opening - without <= 2 and again - without <= 2


# -- activities that come before the lessons -------------------------------------------------------


@pytest.fixture
def knowledge_check():
    """A throwaway activity done before the lessons (as the quiz app's knowledge check will be),
    and one done after them; `done` holds the enrolment ids that have done each."""
    done = {"check": set(), "task": set()}

    def activity(code, label, **options):
        return activities.Activity(
            code,
            label,
            lambda enrolment: enrolment.pk in done[code],
            bulk_status=lambda enrolments: {e.pk: (e.pk in done[code], f"/{code}/") for e in enrolments},
            **options,
        )

    # Its order is below the before survey's: the before survey still comes first.
    check = activity("check", "Take the knowledge check", order=5, before_lessons=True)
    task = activity("task", "Write a reflection", order=15)
    with (
        hooks.register_temporarily(activities.HOOK, lambda: check),
        hooks.register_temporarily(activities.HOOK, lambda: task),
    ):
        yield done


def test_before_lessons_activities_come_first_then_lessons_then_others_then_the_last(client, knowledge_check):
    learner = make_learner()
    course = make_course(lessons=1, required=["before_survey", "check", "lessons", "task", "after_survey"])
    enrolment = services.enrol(learner, course)
    lesson = lessons_of(course)[0]

    def next_step():
        return journeys(learner, [course])[course.pk].next_step()

    assert next_step()[0] == "Answer the “before” survey"
    services.submit_survey(enrolment, "before", survey_ratings("before"))
    assert next_step() == ("Take the knowledge check", "/check/")
    client.force_login(learner)
    soup = BeautifulSoup(client.get(lesson.url).content, "html.parser")
    assert soup.select_one(".lesson-actions a.button")["href"] == "/check/"
    assert soup.select_one(".lesson-actions form") is None

    knowledge_check["check"].add(enrolment.pk)
    assert next_step() == ("Continue: Lesson 1", lesson.url)
    finish_lessons(enrolment)
    assert next_step() == ("Write a reflection", "/task/")
    knowledge_check["task"].add(enrolment.pk)
    assert next_step()[0] == "Answer the “after” survey"


def test_lessons_are_refused_while_an_activity_before_them_is_not_done(knowledge_check):
    learner = make_learner()
    course = make_course(lessons=1, required=["before_survey", "check", "lessons"])
    enrolment = services.enrol(learner, course)
    lesson = lessons_of(course)[0]
    services.open_lesson(enrolment, lesson)
    with pytest.raises(services.JourneyError) as refused:
        services.complete_lesson(enrolment, lesson)
    assert str(refused.value) == "Answer the “before” confidence survey before you start the lessons."
    services.submit_survey(enrolment, "before", survey_ratings("before"))
    with pytest.raises(services.JourneyError) as refused:
        services.complete_lesson(enrolment, lesson)
    assert str(refused.value) == "Take the knowledge check before you start the lessons."
    assert not LessonProgress.objects.filter(enrolment=enrolment).exists()

    knowledge_check["check"].add(enrolment.pk)
    services.complete_lesson(enrolment, lesson)
    assert services.lessons_done(enrolment)
    assert Completion.objects.filter(enrolment=enrolment).exists()


def test_an_activity_before_the_lessons_the_course_does_not_require_is_not_asked_for(knowledge_check):
    learner, course = make_learner(), make_course(lessons=1, required=["lessons"])
    enrolment = services.enrol(learner, course)
    finish_lessons(enrolment)
    assert Completion.objects.filter(enrolment=enrolment).exists()


# -- a course that requires another ----------------------------------------------------------------


@pytest.fixture
def core_and_module():
    core = make_course(lessons=1, required=["lessons"], title="Core for prerequisites")
    module = make_course(lessons=1, required=["lessons"], title="Module for prerequisites")
    module.prerequisite = core
    module.save_revision().publish()
    return core, CoursePage.objects.get(pk=module.pk)


def complete(learner, course):
    finish_lessons(services.enrol(learner, course))
    return Completion.objects.get(learner=learner, course=course)


def test_a_course_cannot_be_started_before_its_prerequisite_is_completed(client, core_and_module):
    core, module = core_and_module
    learner = make_learner()
    with pytest.raises(services.JourneyError) as refused:
        services.enrol(learner, module)
    assert str(refused.value) == "Complete “Core for prerequisites” before you start this course."
    assert not Enrolment.objects.filter(learner=learner).exists()

    client.force_login(learner)
    response = client.post(reverse("courses:start", args=[module.pk]), follow=True)
    assert response.status_code == 200
    assert "Complete “Core for prerequisites” before you start this course." in response.content.decode()
    assert not Enrolment.objects.filter(learner=learner).exists()

    complete(learner, core)
    assert services.enrol(learner, module).course_id == module.pk


def test_an_expired_completion_of_the_prerequisite_still_counts(core_and_module):
    core, module = core_and_module
    learner = make_learner()
    Completion.objects.filter(pk=complete(learner, core).pk).update(
        expires_on=timezone.localdate() - timedelta(days=400)
    )
    assert services.enrol(learner, module).course_id == module.pk


def test_the_course_page_and_my_learning_link_the_prerequisite_instead_of_the_start_button(
    client, core_and_module
):
    core, module = core_and_module
    learner = make_learner()
    client.force_login(learner)

    def status_of(soup, title):
        card = next(
            c for c in soup.select(".course-card") if c.select_one("h3").get_text(strip=True) == title
        )
        return card.select_one(".status")

    def statuses():
        course_page = BeautifulSoup(client.get(module.url).content, "html.parser").select_one(".status")
        my_learning = BeautifulSoup(client.get("/my/").content, "html.parser")
        return course_page, status_of(my_learning, module.title)

    for status in statuses():
        assert status.select_one("button") is None
        assert status.select_one(".status__requirement a")["href"] == core.url
        assert "Core for prerequisites" in status.select_one(".status__requirement").get_text()

    complete(learner, core)
    for status in statuses():
        assert status.select_one(".status__requirement") is None
        assert status.select_one("button").get_text(strip=True) == "Start the course"


def test_a_course_cannot_require_itself_or_a_course_that_requires_it(core_and_module):
    core, module = core_and_module
    core.prerequisite = core
    with pytest.raises(ValidationError) as itself:
        core.full_clean()
    assert itself.value.message_dict["prerequisite"] == ["A course cannot require itself."]
    core.prerequisite = module
    with pytest.raises(ValidationError) as cycle:
        core.full_clean()
    assert cycle.value.message_dict["prerequisite"] == [
        "“Module for prerequisites” already requires this course."
    ]


def test_an_editor_chooses_the_prerequisite_in_the_completion_panel(client, core_and_module):
    core, module = core_and_module
    client.force_login(get_user_model().objects.get(username="editor@example.org"))
    soup = BeautifulSoup(
        client.get(reverse("wagtailadmin_pages:edit", args=[module.pk])).content, "html.parser"
    )
    field = soup.select_one("input[name='prerequisite']")
    assert field is not None and field.get("value") == str(core.pk)
    help_text = "Learners must have completed this course before they can start this one."
    assert help_text in soup.get_text()


def test_prerequisites_cost_my_learning_no_query_and_a_course_page_at_most_two(client):
    core = make_course(lessons=1, required=["lessons"], title="Core for counting")
    module = make_course(lessons=1, required=["lessons"], title="Module for counting")
    learner = make_learner()
    complete(learner, core)
    client.force_login(learner)

    def queries(url):
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    before = queries("/my/"), queries(module.url)
    module.prerequisite = core
    module.save_revision().publish()
    after = queries("/my/"), queries(module.url)
    assert b"status__requirement" not in client.get(module.url).content  # met: she completed the core
    assert after[0] == before[0] and after[1] - before[1] <= 2
