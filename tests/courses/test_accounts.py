"""Registration, sign in, password reset and profile: good and bad input."""

import re

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.core import mail

from cms.models import Agency
from courses.models import LearnerProfile
from tests.factories import make_learner

pytestmark = pytest.mark.django_db

User = get_user_model()


def valid_registration(**changes):
    data = {
        "first_name": "Holly",
        "last_name": "Harris",
        "email": "Holly.Harris@Council.example.org",
        "password1": "a-long-unusual-passphrase",
        "password2": "a-long-unusual-passphrase",
        "agency": str(Agency.objects.get(code="housing").pk),
        "job_role": "housing",
        "job_role_other": "",
        "team": "Tenancy team, North",
        "accept_privacy": "on",
    }
    data.update(changes)
    return data


def errors_of(response):
    soup = BeautifulSoup(response.content, "html.parser")
    return [li.get_text(" ", strip=True) for li in soup.select(".error-summary li")]


def test_registration_creates_account_and_profile_and_lands_on_my_learning(client):
    response = client.post("/accounts/register/", valid_registration(), follow=True)
    assert response.redirect_chain[-1][0] == "/my/"
    user = User.objects.get(username="holly.harris@council.example.org")
    profile = LearnerProfile.objects.get(user=user)
    assert profile.agency.code == "housing" and profile.job_role == "housing"
    assert profile.team == "Tenancy team, North"
    assert profile.privacy_accepted_at is not None
    assert b"My learning" in response.content and b"Housing" in response.content


def test_registration_page_has_the_privacy_notice_and_the_no_case_details_warning(client):
    page = client.get("/accounts/register/").content.decode()
    assert "Privacy notice" in page and "Who sees it" in page
    assert "Do not enter names or details of children, families or cases." in page


BAD = {
    "missing agency": ({"agency": ""}, "Choose the agency you work for."),
    "unknown agency": ({"agency": "999999"}, "Choose an agency from the list."),
    "agency not a number": ({"agency": "'; DROP TABLE cms_agency; --"}, "Choose an agency from the list."),
    "mismatched passwords": ({"password2": "something-else-entirely"}, "The two passwords do not match."),
    "weak password": ({"password1": "12345678", "password2": "12345678"}, "too common"),
    "html in name": ({"first_name": "<script>alert(1)</script>"}, "can only contain letters"),
    "markup in last name": ({"last_name": "<b>Harris</b>"}, "can only contain letters"),
    "over-long name": ({"first_name": "H" * 5000}, "at most 60 characters"),
    "over-long team": ({"team": "t" * 101}, "at most 100 characters"),
    "no privacy consent": ({"accept_privacy": ""}, "agree to the privacy notice"),
    "bad email": ({"email": "not-an-email"}, "Enter an email address"),
    "unknown job role": ({"job_role": "astronaut"}, "Choose a job role from the list."),
    "other role unnamed": ({"job_role": "other", "job_role_other": ""}, "Tell us your job role."),
}


@pytest.mark.parametrize("case", BAD)
def test_bad_registration_says_why_and_saves_nothing(client, case):
    changes, message = BAD[case]
    users_before, profiles_before = User.objects.count(), LearnerProfile.objects.count()
    response = client.post("/accounts/register/", valid_registration(**changes))
    assert response.status_code == 200
    assert any(message in error for error in errors_of(response)), errors_of(response)
    assert User.objects.count() == users_before
    assert LearnerProfile.objects.count() == profiles_before
    assert "_auth_user_id" not in client.session


def test_an_existing_email_in_any_case_is_refused(client):
    make_learner(email="taken@example.org")
    response = client.post("/accounts/register/", valid_registration(email="TAKEN@example.org"))
    assert any("already exists" in e for e in errors_of(response))


def test_agency_email_domain_allowlist(client):
    health = Agency.objects.get(code="health")
    health.allowed_email_domains = "nhs.net"
    health.save()
    data = valid_registration(agency=str(health.pk), job_role="nurse")
    response = client.post("/accounts/register/", data)
    assert any("ending nhs.net" in e for e in errors_of(response))
    assert not User.objects.filter(username="holly.harris@council.example.org").exists()
    data["email"] = "holly.harris@nhs.net"
    assert client.post("/accounts/register/", data).status_code == 302


def test_sign_in_with_email_in_any_case_and_sign_out(client):
    make_learner(email="kim@example.org")
    response = client.post(
        "/accounts/sign-in/", {"username": "KIM@example.org", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302 and response.url == "/my/"
    assert client.post("/accounts/sign-out/").status_code == 302
    assert client.get("/my/").status_code == 302


def test_repeated_failed_sign_ins_lock_the_account_for_a_while(client):
    make_learner(email="target@example.org")
    for _ in range(5):
        client.post("/accounts/sign-in/", {"username": "target@example.org", "password": "wrong"})
    locked = client.post(
        "/accounts/sign-in/", {"username": "target@example.org", "password": "correct-horse-battery"}
    )
    assert locked.status_code == 429
    assert b"paused for 15 minutes" in locked.content


def test_password_reset_sends_a_working_link(client):
    make_learner(email="forgetful@example.org")
    client.post("/accounts/password-reset/", {"email": "forgetful@example.org"})
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert b"Choose a new password" in form_page.content
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-brand-new-passphrase", "new_password2": "a-brand-new-passphrase"},
    )
    assert response.status_code == 302
    assert User.objects.get(username="forgetful@example.org").check_password("a-brand-new-passphrase")


def test_profile_change_of_agency(client):
    learner = make_learner("housing")
    client.force_login(learner)
    police = Agency.objects.get(code="police")
    response = client.post(
        "/accounts/profile/",
        {
            "first_name": "Lee",
            "last_name": "Learner",
            "agency": str(police.pk),
            "job_role": "police",
            "job_role_other": "",
            "team": "",
        },
    )
    assert response.status_code == 302
    assert LearnerProfile.objects.get(user=learner).agency == police


def test_profile_refuses_bad_input_and_keeps_the_old_values(client):
    learner = make_learner("housing")
    client.force_login(learner)
    response = client.post(
        "/accounts/profile/",
        {
            "first_name": "<img src=x onerror=alert(1)>",
            "last_name": "L",
            "agency": "abc",
            "job_role": "housing",
            "team": "x" * 500,
        },
    )
    assert response.status_code == 200
    assert len(errors_of(response)) >= 3
    learner.refresh_from_db()
    assert learner.first_name == "Lee"
    assert LearnerProfile.objects.get(user=learner).agency.code == "housing"
