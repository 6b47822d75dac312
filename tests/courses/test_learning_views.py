"""The journey through the web pages, and who may see what."""

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses import services
from courses.models import Completion, LessonProgress, SurveyItem, SurveyResponse, SurveySubmission
from tests.factories import finish_lesson, lessons_of, make_course, make_learner, survey_ratings

pytestmark = pytest.mark.django_db


def survey_post(phase, rating=3, retro=2):
    data = {}
    for item in SurveyItem.objects.filter(active=True):
        data[f"item-{item.pk}"] = str(rating)
        if phase == "after":
            data[f"retro-{item.pk}"] = str(retro)
    return data


def start(client, course):
    response = client.post(f"/my/courses/{course.pk}/start/", follow=True)
    assert response.status_code == 200
    return response


def test_the_whole_journey_in_pages(client):
    learner = make_learner("housing")
    course = make_course(lessons=2)
    client.force_login(learner)

    response = start(client, course)
    assert "survey/before" in response.redirect_chain[-1][0]
    enrolment = learner.enrolments.get(course=course)
    response = client.post(
        f"/my/learning/{enrolment.pk}/survey/before/", survey_post("before", 2), follow=True
    )
    first, second = lessons_of(course)
    assert response.redirect_chain[-1][0] == first.url

    client.post(f"/my/learning/{enrolment.pk}/lessons/{first.pk}/done/")
    # She leaves, comes back later and resumes where she stopped.
    resumed = client.get(f"/my/learning/{enrolment.pk}/continue/")
    assert resumed.url == second.url
    client.get(resumed.url)  # she reads it
    client.post(f"/my/learning/{enrolment.pk}/lessons/{second.pk}/done/")
    assert client.get(f"/my/learning/{enrolment.pk}/continue/").url.endswith("/survey/after/")

    response = client.post(f"/my/learning/{enrolment.pk}/survey/after/", survey_post("after", 4), follow=True)
    assert response.redirect_chain[-1][0] == "/my/"
    completion = Completion.objects.get(enrolment=enrolment)
    page = BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)
    assert "Completed" in page
    from django.utils import timezone

    assert f"Completed on {timezone.localtime(completion.completed_at):%-d %B %Y}" in page
    assert "Slightly confident → Fairly confident" in page
    assert "more confident in 8 of 8" in page


def test_course_page_shows_outcomes_lessons_time_and_status(client):
    learner, course = make_learner(), make_course(lessons=3)
    client.force_login(learner)
    soup = BeautifulSoup(client.get(course.url).content, "html.parser")
    text = soup.get_text(" ", strip=True)
    assert "Do the right thing." in text and "about 30 minutes" in text
    assert len(soup.select(".lesson-list li")) == 3
    assert "Not started" in text
    start(client, course)
    assert "In progress" in client.get(course.url).content.decode()


def test_anonymous_visitors_are_asked_to_sign_in_for_learner_pages(client):
    course = make_course(lessons=1)
    assert client.get("/my/").status_code == 302
    assert client.post(f"/my/courses/{course.pk}/start/").status_code == 302
    assert b"Register" in client.get(course.url).content


def test_a_double_click_on_finish_records_one_progress_row(client):
    learner, course = make_learner(), make_course(lessons=1, required=["lessons"])
    client.force_login(learner)
    start(client, course)
    enrolment = learner.enrolments.get(course=course)
    lesson = lessons_of(course)[0]
    for _ in range(3):
        client.post(f"/my/learning/{enrolment.pk}/lessons/{lesson.pk}/done/")
    assert LessonProgress.objects.filter(enrolment=enrolment).count() == 1
    assert Completion.objects.filter(enrolment=enrolment).count() == 1


def test_a_second_tab_submitting_the_survey_again_changes_nothing(client):
    learner, course = make_learner(), make_course(lessons=1)
    client.force_login(learner)
    start(client, course)
    enrolment = learner.enrolments.get(course=course)
    url = f"/my/learning/{enrolment.pk}/survey/before/"
    client.post(url, survey_post("before", 2))
    response = client.post(url, survey_post("before", 5), follow=True)
    assert b"already answered" in response.content
    assert set(SurveyResponse.objects.filter(enrolment=enrolment).values_list("rating", flat=True)) == {2}


@pytest.mark.parametrize("value", ["0", "6", "-1", "abc", "3.5", "", "9" * 50])
def test_survey_answers_out_of_range_are_refused(client, value):
    learner, course = make_learner(), make_course(lessons=1)
    client.force_login(learner)
    start(client, course)
    enrolment = learner.enrolments.get(course=course)
    data = survey_post("before")
    first_item = SurveyItem.objects.filter(active=True).first()
    data[f"item-{first_item.pk}"] = value
    response = client.post(f"/my/learning/{enrolment.pk}/survey/before/", data)
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert not SurveySubmission.objects.filter(enrolment=enrolment).exists()


def test_the_after_survey_waits_for_the_lessons(client):
    learner, course = make_learner(), make_course(lessons=1)
    client.force_login(learner)
    start(client, course)
    enrolment = learner.enrolments.get(course=course)
    client.post(f"/my/learning/{enrolment.pk}/survey/before/", survey_post("before"))
    response = client.post(f"/my/learning/{enrolment.pk}/survey/after/", survey_post("after"), follow=True)
    assert b"opens when you have finished" in response.content
    assert not SurveySubmission.objects.filter(enrolment=enrolment, phase="after").exists()


def test_another_learners_enrolment_is_never_readable_or_writable(client):
    owner, other = make_learner("housing"), make_learner("police")
    course = make_course(lessons=1)
    enrolment = services.enrol(owner, course)
    lesson = lessons_of(course)[0]
    client.force_login(other)
    for method, url, data in [
        ("get", f"/my/learning/{enrolment.pk}/continue/", None),
        ("get", f"/my/learning/{enrolment.pk}/survey/before/", None),
        ("post", f"/my/learning/{enrolment.pk}/survey/before/", survey_post("before")),
        ("post", f"/my/learning/{enrolment.pk}/lessons/{lesson.pk}/done/", None),
        ("get", f"/my/learning/{enrolment.pk}/survey/sideways/", None),
    ]:
        response = getattr(client, method)(url, data or {})
        assert response.status_code == 404, url
    assert not SurveySubmission.objects.filter(enrolment=enrolment).exists()
    assert not LessonProgress.objects.filter(enrolment=enrolment).exists()
    soup = BeautifulSoup(client.get("/my/").content, "html.parser")
    card = next(li for li in soup.select(".course-card") if course.title in li.get_text())
    assert "Not started" in card.get_text()
    assert "In progress" not in card.get_text()


def test_finishing_a_lesson_of_another_course_is_refused(client):
    learner = make_learner()
    course, elsewhere = make_course(lessons=1, required=["lessons"]), make_course(lessons=1)
    client.force_login(learner)
    start(client, course)
    enrolment = learner.enrolments.get(course=course)
    response = client.post(
        f"/my/learning/{enrolment.pk}/lessons/{lessons_of(elsewhere)[0].pk}/done/", follow=True
    )
    assert b"not part of this course" in response.content
    assert not LessonProgress.objects.filter(enrolment=enrolment).exists()


def test_my_learning_highlights_the_learners_agency_module(client):
    learner = make_learner("housing")
    client.force_login(learner)
    soup = BeautifulSoup(client.get("/my/").content, "html.parser")
    highlighted = soup.select(".course-card--highlight h3")
    assert [h.get_text(strip=True) for h in highlighted] == [
        "Housing: recognising and responding to child sexual abuse"
    ]
    titles = [h.get_text(strip=True) for h in soup.select(".course-card h3")]
    assert titles[0] == "Recognising and responding to child sexual abuse"


def count_queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def complete(learner, course):
    enrolment = services.enrol(learner, course)
    services.submit_survey(enrolment, "before", survey_ratings("before"))
    for lesson in lessons_of(course):
        finish_lesson(enrolment, lesson)
    services.submit_survey(enrolment, "after", survey_ratings("after"))


def test_my_learning_and_course_page_queries_stay_flat(client):
    from cms.models import Agency

    learner = make_learner("housing")
    client.force_login(learner)
    housing = Agency.objects.get(code="housing")
    course = make_course(lessons=2)
    complete(learner, course)
    few_my = count_queries(client, "/my/")
    few_course = count_queries(client, course.url)
    for _ in range(4):
        extra = make_course(lessons=6, agency=housing)
        complete(learner, extra)
    big = make_course(lessons=12)
    complete(learner, big)
    assert count_queries(client, "/my/") == few_my
    assert count_queries(client, big.url) == few_course
    assert few_my <= 17 and few_course <= 23


def test_my_learning_prompts_for_a_refresher_and_the_course_offers_it(client):
    from datetime import timedelta

    from django.utils import timezone

    learner, course = make_learner(), make_course(lessons=1)
    complete(learner, course)
    client.force_login(learner)
    assert b"Refresher due" not in client.get("/my/").content
    Completion.objects.filter(learner=learner, course=course).update(
        expires_on=timezone.localdate() + timedelta(days=30)
    )
    assert b"Refresher due" in client.get("/my/").content
    assert b"Start the refresher" in client.get(course.url).content
    response = start(client, course)
    assert "survey/before" in response.redirect_chain[-1][0]
    assert learner.enrolments.filter(course=course).count() == 2


def test_opening_my_learning_completes_a_course_left_without_its_completion(
    client, django_capture_on_commit_callbacks
):
    from certificates.models import Certificate

    learner = make_learner("housing")
    course = make_course(lessons=1)
    enrolment = services.enrol(learner, course)
    services.submit_survey(enrolment, "before", survey_ratings("before"))
    finish_lesson(enrolment, lessons_of(course)[0])
    # What a crash between the after survey and its completion used to leave behind.
    submission = SurveySubmission.objects.create(enrolment=enrolment, phase="after")
    for item, phase, rating in survey_ratings("after"):
        SurveyResponse.objects.create(
            submission=submission, enrolment=enrolment, item=item, phase=phase, rating=rating
        )
    client.force_login(learner)

    with django_capture_on_commit_callbacks(execute=True):
        client.get("/my/")

    completion = Completion.objects.get(enrolment=enrolment)
    certificate = Certificate.objects.get(completion=completion)
    assert certificate.display_code in client.get("/my/").content.decode()
    client.get(course.url)
    assert Completion.objects.filter(enrolment=enrolment).count() == 1
