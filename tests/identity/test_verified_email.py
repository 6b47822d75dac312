"""A confirmed email address (allauth's EmailAddress, verified and primary) is needed to start a
course: registering gives one, an account made another way (by an administrator, say) asks for
it, and password reset answers the same whether or not an account exists."""

import io
import re

import pytest
from allauth.account.models import EmailAddress
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from cms.models import Agency
from courses.models import Enrolment, LearnerProfile
from tests.factories import make_course, make_learner

pytestmark = pytest.mark.django_db

PASSWORD = "made-by-an-administrator"
CONFIRM_FIRST = "/accounts/confirm-your-email/"


def made_by_an_administrator(email="made@example.org"):
    """As Wagtail's "Add a user" makes an account: no record that anyone confirmed the address."""
    user = get_user_model().objects.create_user(username=email, email=email, password=PASSWORD)
    LearnerProfile.objects.create(
        user=user,
        agency=Agency.objects.get(code="housing"),
        job_role="housing",
        privacy_accepted_at=timezone.now(),
    )
    return user


def main_text(response):
    return BeautifulSoup(response.content, "html.parser").main.get_text(" ", strip=True)


def start(client, course):
    return client.post(f"/my/courses/{course.pk}/start/")


def confirmation_link(message):
    return re.search(r"http://testserver(/accounts/confirm-email/\S+/)", message.body).group(1)


def test_an_account_without_a_confirmed_email_signs_in_but_confirms_before_starting_a_course(client):
    user = made_by_an_administrator()
    course = make_course(lessons=1)
    signed_in = client.post("/accounts/sign-in/", {"username": user.email, "password": PASSWORD})
    assert signed_in.url == "/my/" and client.get("/my/").status_code == 200

    refused = start(client, course)
    assert refused.status_code == 302 and refused.url == CONFIRM_FIRST
    assert not Enrolment.objects.filter(learner=user).exists()
    page = main_text(client.get(CONFIRM_FIRST))
    assert "Before you start a course, we need to know that made@example.org is your email address" in page

    sent = client.post(CONFIRM_FIRST)
    assert "We have sent a link to made@example.org" in main_text(sent)
    assert [m.to for m in mail.outbox] == [["made@example.org"]]
    assert mail.outbox[0].subject == "Confirm your email address for the Safeguarding Learning Hub"
    client.post(CONFIRM_FIRST)  # pressed again at once: the first link still works, no second email
    assert len(mail.outbox) == 1

    link = confirmation_link(mail.outbox[0])
    asking = client.get(link)  # a mail scanner opening the link confirms nothing
    assert "Confirm that made@example.org is your email address" in main_text(asking)
    assert not EmailAddress.objects.filter(user=user, verified=True).exists()
    assert client.post(link).status_code == 302
    assert EmailAddress.objects.filter(
        user=user, email="made@example.org", verified=True, primary=True
    ).exists()

    started = start(client, course)
    assert started.status_code == 302 and Enrolment.objects.filter(learner=user, course=course).exists()
    assert client.get(CONFIRM_FIRST).url == "/my/"


def test_an_unconfirmed_address_on_record_is_not_enough(client):
    user = made_by_an_administrator("waiting@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    client.force_login(user)
    assert start(client, make_course(lessons=1)).url == CONFIRM_FIRST
    assert not Enrolment.objects.filter(learner=user).exists()


def test_a_broken_confirmation_link_says_so_and_confirms_nothing(client):
    user = made_by_an_administrator()
    client.force_login(user)
    client.post(CONFIRM_FIRST)
    link = confirmation_link(mail.outbox[0])
    altered = link[:-5] + "xxxx/"
    assert "This link does not work" in main_text(client.get(altered))
    client.post(altered)
    assert not EmailAddress.objects.filter(user=user, verified=True).exists()


def test_registering_records_the_address_as_confirmed(client):
    data = {
        "first_name": "Reg",
        "last_name": "Istered",
        "email": "reg@example.org",
        "password1": "a-long-unusual-passphrase",
        "password2": "a-long-unusual-passphrase",
        "agency": str(Agency.objects.get(code="housing").pk),
        "job_role": "housing",
        "job_role_other": "",
        "team": "",
        "accept_privacy": "on",
    }
    client.post("/accounts/register/", data)
    link = re.search(r"http://testserver(/accounts/register/confirm/\S+/)", mail.outbox[0].body).group(1)
    client.post(link)
    user = get_user_model().objects.get(username="reg@example.org")
    assert list(EmailAddress.objects.filter(user=user).values_list("email", "verified", "primary")) == [
        ("reg@example.org", True, True)
    ]
    course = make_course(lessons=1)
    assert start(client, course).status_code == 302
    assert Enrolment.objects.filter(learner=user, course=course).exists()


def test_demo_and_factory_learners_have_confirmed_addresses():
    for email in ("learner.health@example.org", "lead.housing@example.org", "admin@example.org"):
        assert EmailAddress.objects.filter(email=email, verified=True, primary=True).exists(), email
    assert EmailAddress.objects.filter(user=make_learner(), verified=True, primary=True).exists()


def test_seeding_again_adds_no_second_address():
    before = EmailAddress.objects.count()
    call_command("seed_demo", extra_learners=0, stdout=io.StringIO())
    assert EmailAddress.objects.count() == before


def test_password_reset_answers_the_same_whether_or_not_the_account_exists(client):
    make_learner(email="known@example.org")
    known = client.post("/accounts/password-reset/", {"email": "known@example.org"})
    unknown = client.post("/accounts/password-reset/", {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url
    assert [m.to for m in mail.outbox] == [["known@example.org"]]
    page = client.get(known.url)
    assert "nobody@example.org" not in page.content.decode()
