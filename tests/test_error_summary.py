"""Every form that can come back with errors follows the GOV.UK error-summary pattern: the
page title starts "Error: ", the summary is the first thing in <main>, focusable, and each
error is a link to a field on the page."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from courses import services as course_services
from courses.models import SurveyItem
from quizzes.draws import pages
from quizzes.models import Attempt
from tests.factories import (
    make_course,
    make_learner,
    make_quiz,
    open_the_quiz,
    quiz_post,
)

pytestmark = pytest.mark.django_db


def summary_of(response):
    """(title, [(error text, the id its link points to)]) after checking the summary's place."""
    soup = BeautifulSoup(response.content, "html.parser")
    main = soup.select_one("main")
    summary = main.find(True)
    assert "error-summary" in summary["class"] and summary["tabindex"] == "-1", summary
    assert summary.select_one("h2").get_text(strip=True) == "There is a problem"
    errors = []
    for item in summary.select("li"):
        link = item.select_one("a")
        assert link is not None, f"not a link: {item}"
        target = link["href"].removeprefix("#")
        assert soup.find(id=target) is not None, f"no field #{target} for {link.text}"
        errors.append((" ".join(link.get_text().split()), target))
    return soup.title.get_text(strip=True), errors


def test_registration_sent_empty(client):
    title, errors = summary_of(client.post("/accounts/register/", {"first_name": ""}))
    assert title.startswith("Error: Register | ")
    assert errors[:2] == [
        ("Enter your first name.", "id_first_name"),
        ("Enter your last name.", "id_last_name"),
    ]
    assert ("You need to agree to the privacy notice to register.", "id_accept_privacy") in errors


def test_sign_in_with_a_wrong_password(client):
    make_learner(email="sam@example.org")
    title, errors = summary_of(
        client.post("/accounts/sign-in/", {"username": "sam@example.org", "password": "no"})
    )
    assert title.startswith("Error: Sign in | ")
    assert errors == [
        ("The email address or password is not right. Check them and try again.", "id_username")
    ]


def test_profile_without_a_name(client):
    client.force_login(make_learner())
    response = client.post(
        "/accounts/profile/", {"first_name": "", "last_name": "Learner", "agency": "", "job_role": "housing"}
    )
    title, errors = summary_of(response)
    assert title.startswith("Error: Your profile | ")
    assert ("Enter your first name.", "id_first_name") in errors


def test_password_reset_with_a_bad_email(client):
    title, errors = summary_of(client.post("/accounts/password-reset/", {"email": "not an email"}))
    assert title.startswith("Error: Reset your password | ")
    assert [target for _, target in errors] == ["id_email"]


def test_new_password_that_does_not_match(client):
    user = make_learner()
    url = f"/accounts/password-reset/{urlsafe_base64_encode(force_bytes(user.pk))}/"
    response = client.get(url + default_token_generator.make_token(user) + "/", follow=True)
    response = client.post(
        response.redirect_chain[-1][0], {"new_password1": "a-long-unusual-phrase", "new_password2": "another"}
    )
    title, errors = summary_of(response)
    assert title.startswith("Error: Choose a new password | ")
    assert [target for _, target in errors] == ["id_new_password2"]


def test_survey_errors_name_each_item(client):
    learner = make_learner()
    enrolment = course_services.enrol(learner, make_course(lessons=1))
    client.force_login(learner)
    response = client.post(f"/my/learning/{enrolment.pk}/survey/before/", {"item-0": ""})
    title, errors = summary_of(response)
    assert title.startswith("Error: Before you start: confidence survey | ")
    item = SurveyItem.objects.get(code="recognising-signs")
    assert (
        "Choose how confident you feel about recognising the signs and indicators of child sexual abuse.",
        f"id_item-{item.pk}_0",
    ) in errors
    assert len(errors) == SurveyItem.objects.filter(active=True).count()
    assert len({text for text, _ in errors}) == len(errors)  # no two errors read the same


def test_after_survey_errors_name_each_item_twice(client):
    learner, course = make_learner(), make_course(lessons=1)
    enrolment = course_services.enrol(learner, course)
    open_the_quiz(enrolment)
    client.force_login(learner)
    title, errors = summary_of(client.post(f"/my/learning/{enrolment.pk}/survey/after/", {"item-0": ""}))
    assert title.startswith("Error: Now you have finished: confidence survey | ")
    assert (
        "Choose how confident you were before the course about supporting a non-abusing parent or carer.",
        f"id_retro-{SurveyItem.objects.get(code='supporting-non-abusing-parent').pk}_0",
    ) in errors
    assert (
        len({text for text, _ in errors}) == len(errors) == 2 * SurveyItem.objects.filter(active=True).count()
    )


def test_quiz_steps_numbered_twice_link_to_their_question(client):
    learner, course = make_learner(), make_course(lessons=1)
    quiz = make_quiz(course)
    enrolment = course_services.enrol(learner, course)
    open_the_quiz(enrolment)
    client.force_login(learner)
    client.post(f"/quizzes/{quiz.slug}/start/")
    attempt = Attempt.objects.get(quiz=quiz)
    data = quiz_post(attempt)
    position = next(i for i, q in enumerate(attempt.questions, 1) if q["type"] == "order")
    for key in [k for k in data if k.startswith(f"q{position}-step-")]:
        data[key] = "1"
    page = next(n for n, positions in enumerate(pages(attempt.questions), 1) if position in positions)
    fields = {name: value for name, value in data.items() if name.startswith(f"q{position}-")}
    title, errors = summary_of(client.post(f"/quizzes/attempts/{attempt.pk}/page/{page}/", fields))
    assert title.startswith(
        f"Error: {quiz.title}: attempt 1, page {page} of {len(pages(attempt.questions))} | "
    )
    assert errors == [(f"Question {position}: give each step a different number.", f"question-{position}")]


def test_api_token_without_a_name(client):
    client.force_login(get_user_model().objects.get(username="lead.housing@example.org"))
    title, errors = summary_of(client.post("/accounts/api-tokens/", {"name": "  "}))
    assert title.startswith("Error: API tokens | ")
    assert errors == [("Give the token a name, such as the dashboard that will use it.", "name")]


def test_an_unknown_certificate_code(client):
    response = client.get("/certificates/verify/", {"code": "ZZZZ-ZZZZ-ZZZZ"}, follow=True)
    title, errors = summary_of(response)
    assert title.startswith("Error: Check a certificate | ")
    assert [target for _, target in errors] == ["code"]
    assert errors[0][0].startswith("No certificate with this code: “ZZZZ-ZZZZ-ZZZZ”.")


@pytest.mark.parametrize("url", ["/accounts/register/", "/accounts/sign-in/", "/certificates/verify/"])
def test_no_summary_and_no_error_title_before_sending(client, url):
    soup = BeautifulSoup(client.get(url).content, "html.parser")
    assert not soup.title.get_text().startswith("Error:")
    assert soup.select(".error-summary") == []
