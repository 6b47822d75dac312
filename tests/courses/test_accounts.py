"""Registration, sign in, password reset and profile: good and bad input."""

import hashlib
import re
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

from cms.models import Agency
from courses.models import LearnerProfile, PendingRegistration
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


def main_text(response):
    return BeautifulSoup(response.content, "html.parser").main.get_text(" ", strip=True)


def errors_of(response):
    soup = BeautifulSoup(response.content, "html.parser")
    return [li.get_text(" ", strip=True) for li in soup.select(".error-summary li")]


def confirmation_link(message):
    return re.search(r"http://testserver(/accounts/register/confirm/\S+/)", message.body).group(1)


def test_registration_is_confirmed_by_email_then_lands_on_my_learning(client):
    response = client.post("/accounts/register/", valid_registration())
    assert "Check your email" in response.content.decode()
    assert not User.objects.filter(username="holly.harris@council.example.org").exists()
    assert [m.to for m in mail.outbox] == [["holly.harris@council.example.org"]]
    link = confirmation_link(mail.outbox[0])
    asking = client.get(link)
    assert "Confirm your email address" in asking.content.decode()
    assert not User.objects.filter(username="holly.harris@council.example.org").exists()
    response = client.post(link, follow=True)
    assert response.redirect_chain[-1][0] == "/my/"
    user = User.objects.get(username="holly.harris@council.example.org")
    assert user.check_password("a-long-unusual-passphrase")
    profile = LearnerProfile.objects.get(user=user)
    assert profile.agency.code == "housing" and profile.job_role == "housing"
    assert profile.team == "Tenancy team, North"
    assert profile.privacy_accepted_at is not None
    assert b"My learning" in response.content and b"Housing" in response.content


def test_a_foster_carer_registers_with_a_personal_address_and_is_counted_as_a_carer(client):
    page = main_text(client.get("/accounts/register/"))
    assert "Foster carers and adopters choose “Foster carers and adopters”" in page
    carers = Agency.objects.get(code="carers")
    data = valid_registration(
        email="cara.carter@mail.example.com", agency=str(carers.pk), job_role="foster_carer", team=""
    )
    assert "Check your email" in client.post("/accounts/register/", data).content.decode()
    client.post(confirmation_link(mail.outbox[0]))
    profile = LearnerProfile.objects.get(user__username="cara.carter@mail.example.com")
    assert (profile.agency.code, profile.job_role_label) == ("carers", "Foster carer or adopter")


def test_registration_page_has_the_privacy_notice_and_the_no_case_details_warning(client):
    page = client.get("/accounts/register/").content.decode()
    assert "Privacy notice" in page and "Who sees it" in page
    assert "Do not enter names or details of children, families or cases." in page


BAD = {
    "missing agency": ({"agency": ""}, "Choose the agency you work for, or “Foster carers and adopters”."),
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


def without_csrf_token(response, email):
    page = response.content.decode().replace(email, "@")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)


def test_an_existing_email_gets_the_same_answer_and_its_owner_is_told(client):
    owner = make_learner(email="taken@example.org")
    new = client.post("/accounts/register/", valid_registration(email="new@example.org"))
    taken = client.post("/accounts/register/", valid_registration(email="TAKEN@example.org"))
    assert taken.status_code == new.status_code == 200
    assert without_csrf_token(taken, "taken@example.org") == without_csrf_token(new, "new@example.org")
    assert list(PendingRegistration.objects.values_list("email", flat=True)) == ["new@example.org"]
    notice = next(m for m in mail.outbox if m.to == ["taken@example.org"])
    assert "Someone tried to register" in notice.subject
    assert "/accounts/sign-in/" in notice.body and "/accounts/password-reset/" in notice.body
    assert "/accounts/register/confirm/" not in notice.body
    owner.refresh_from_db()
    assert owner.check_password("correct-horse-battery") and owner.first_name == "Lee"


def test_the_emailed_link_carries_only_a_random_token_and_the_site_keeps_only_its_hash(client):
    client.post("/accounts/register/", valid_registration())
    client.post("/accounts/register/", valid_registration(email="second@example.org"))
    links = [confirmation_link(message) for message in mail.outbox]
    tokens = [link.removeprefix("/accounts/register/confirm/").removesuffix("/") for link in links]
    for token in tokens:
        # 32 random bytes, URL-safe base64 without padding: no password hash, no signed data.
        assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token), token
        assert "pbkdf2" not in token and "md5" not in token
    assert tokens[0] != tokens[1]
    pending = PendingRegistration.objects.get(email="holly.harris@council.example.org")
    assert pending.token_hash == hashlib.sha256(tokens[0].encode()).hexdigest()
    stored = [str(value) for row in PendingRegistration.objects.values_list() for value in row]
    assert not any(token in value for token in tokens for value in stored)
    assert "a-long-unusual-passphrase" not in stored
    assert "a-long-unusual-passphrase" not in "".join(m.body for m in mail.outbox)


def test_a_confirmation_link_works_once_and_cannot_be_altered(client):
    client.post("/accounts/register/", valid_registration())
    link = confirmation_link(mail.outbox[0])
    tampered = client.get(link[:-6] + "xxxxx/")
    assert tampered.status_code == 404 and "This link does not work" in main_text(tampered)
    assert client.post(link[:-6] + "xxxxx/").status_code == 404
    assert not User.objects.filter(username="holly.harris@council.example.org").exists()
    client.post(link)
    client.post("/accounts/sign-out/")
    assert not PendingRegistration.objects.exists()
    again = client.post(link)
    assert again.status_code == 404
    assert "if you have used it already, your account is ready" in main_text(again)
    assert User.objects.filter(username="holly.harris@council.example.org").count() == 1
    assert LearnerProfile.objects.filter(user__username="holly.harris@council.example.org").count() == 1


def test_a_link_older_than_a_day_is_refused_and_makes_nothing(client):
    client.post("/accounts/register/", valid_registration())
    link = confirmation_link(mail.outbox[0])
    PendingRegistration.objects.update(created_at=timezone.now() - timedelta(days=1, minutes=1))
    asking = client.get(link)
    assert asking.status_code == 404 and "more than 24 hours old" in main_text(asking)
    assert client.post(link).status_code == 404
    assert not User.objects.filter(username="holly.harris@council.example.org").exists()
    assert "_auth_user_id" not in client.session


def test_a_new_registration_removes_those_older_than_a_day(client):
    client.post("/accounts/register/", valid_registration(email="old@example.org"))
    client.post("/accounts/register/", valid_registration(email="recent@example.org"))
    PendingRegistration.objects.filter(email="old@example.org").update(
        created_at=timezone.now() - timedelta(days=1, minutes=1)
    )
    PendingRegistration.objects.filter(email="recent@example.org").update(
        created_at=timezone.now() - timedelta(hours=23)
    )
    client.post("/accounts/register/", valid_registration())
    assert sorted(PendingRegistration.objects.values_list("email", flat=True)) == [
        "holly.harris@council.example.org",
        "recent@example.org",
    ]


def test_a_link_for_an_address_taken_since_says_so_and_makes_nothing(client):
    client.post("/accounts/register/", valid_registration())
    other_password = {"password1": "another-long-passphrase", "password2": "another-long-passphrase"}
    client.post("/accounts/register/", valid_registration(**other_password))
    first, second = (confirmation_link(message) for message in mail.outbox)
    client.post(first)
    client.post("/accounts/sign-out/")
    asking = client.get(second)
    assert asking.status_code == 200 and "already set up" in main_text(asking)
    client.post(second)
    assert "_auth_user_id" not in client.session
    user = User.objects.get(username="holly.harris@council.example.org")
    assert user.check_password("a-long-unusual-passphrase")
    assert not PendingRegistration.objects.exists()


def test_escaped_markup_and_direction_controls_are_refused_in_names_and_free_text(client):
    cases = {
        "first_name": "&lt;script&gt;alert(1)&lt;/script&gt;",
        "last_name": "Harr\u202eis",
        "team": "Tenancy \u2066team\u2069",
        "job_role_other": "Of\u200ficer",
    }
    for field, value in cases.items():
        changes = {field: value, "job_role": "other", "job_role_other": "Warden"}
        changes[field] = value
        response = client.post("/accounts/register/", valid_registration(**changes))
        assert response.status_code == 200
        assert errors_of(response), field
        assert "Check your email" not in response.content.decode(), field
    assert mail.outbox == []
    assert any("hidden characters" in e for e in errors_of(response))


def test_agency_email_domain_allowlist(client):
    health = Agency.objects.get(code="health")
    health.allowed_email_domains = "nhs.net"
    health.save()
    data = valid_registration(agency=str(health.pk), job_role="nurse")
    response = client.post("/accounts/register/", data)
    assert any("ending nhs.net" in e for e in errors_of(response))
    assert not User.objects.filter(username="holly.harris@council.example.org").exists()
    data["email"] = "holly.harris@nhs.net"
    assert "Check your email" in client.post("/accounts/register/", data).content.decode()


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
    # The move waits for a police lead (tests/courses/test_agency_change.py).
    assert LearnerProfile.objects.get(user=learner).agency.code == "housing"
    assert learner.agency_change_requests.get(status="pending").agency == police


def test_profile_refuses_direction_controls_in_a_name(client):
    learner = make_learner("housing")
    client.force_login(learner)
    data = {"first_name": "\u202eeeL", "last_name": "Learner", "job_role": "housing", "team": ""}
    data["agency"] = str(Agency.objects.get(code="housing").pk)
    response = client.post("/accounts/profile/", data)
    assert any("hidden characters" in e for e in errors_of(response))
    learner.refresh_from_db()
    assert learner.first_name == "Lee"


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


def test_the_confirmation_page_shows_whose_registration_it_confirms(client):
    """Someone may register with another person's address; its owner sees whose details
    (and so whose password) the link would set up before confirming anything."""
    client.post("/accounts/register/", valid_registration(job_role="other", job_role_other="Caretaker"))
    asking = client.get(confirmation_link(mail.outbox[0]))
    text = main_text(asking)
    for shown in ("Holly Harris", "Housing", "Caretaker", "Tenancy team, North", "do not confirm"):
        assert shown in text
    assert not User.objects.filter(username="holly.harris@council.example.org").exists()

