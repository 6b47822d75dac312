"""Limits on what one visitor can make the site do: password-reset emails and registrations
per address and per IP address, sign-in guesses per account whatever the IP address."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache

from tests.courses.test_accounts import errors_of, valid_registration
from tests.factories import make_learner

pytestmark = pytest.mark.django_db

User = get_user_model()
CALM = "paused them for an hour"
PER_EMAIL = 3  # emails to one address per hour
PER_IP = 20  # requests from one IP address per hour
GUESSES = 5  # sign-in failures on one account before it pauses


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()


def reset(client, email, ip="127.0.0.1", **meta):
    return client.post("/accounts/password-reset/", {"email": email}, REMOTE_ADDR=ip, **meta)


def test_fifty_resets_for_one_address_send_three_emails(client):
    make_learner(email="forgetful@example.org")
    responses = [reset(client, "Forgetful@example.org", ip=f"198.51.100.{n}") for n in range(50)]
    assert len(mail.outbox) == PER_EMAIL
    assert [r.status_code for r in responses[:PER_EMAIL]] == [302] * PER_EMAIL
    assert {r.status_code for r in responses[PER_EMAIL:]} == {429}
    assert any(CALM in e for e in errors_of(responses[-1]))


def test_one_ip_address_cannot_ask_for_resets_for_many_addresses(client):
    for n in range(PER_IP):
        make_learner(email=f"staff{n}@example.org")
        assert reset(client, f"staff{n}@example.org").status_code == 302
    make_learner(email="one-more@example.org")
    response = reset(client, "one-more@example.org")
    assert response.status_code == 429
    assert len(mail.outbox) == PER_IP


def test_behind_the_proxy_each_visitor_has_their_own_reset_limit(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(PER_IP):
        reset(client, f"nobody{n}@example.org", ip="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert reset(client, "x@example.org", ip="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 429
    assert reset(client, "y@example.org", ip="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.6").status_code == 302


def register(client, ip="127.0.0.1", **changes):
    return client.post("/accounts/register/", valid_registration(**changes), REMOTE_ADDR=ip)


def test_one_ip_address_cannot_start_forty_accounts(client):
    responses = [register(client, email=f"bot{n}@council.example.org") for n in range(40)]
    assert [r.status_code for r in responses[:PER_IP]] == [200] * PER_IP
    assert {r.status_code for r in responses[PER_IP:]} == {429}
    assert any(CALM in e for e in errors_of(responses[-1]))
    assert len(mail.outbox) == PER_IP
    assert not User.objects.filter(username__startswith="bot").exists()


def test_one_address_gets_three_registration_emails_an_hour(client):
    responses = [register(client, ip=f"198.51.100.{n}") for n in range(6)]
    assert len(mail.outbox) == PER_EMAIL
    assert {r.status_code for r in responses[PER_EMAIL:]} == {429}


def test_mistakes_do_not_count_towards_the_limit(client):
    for _ in range(PER_IP + 5):
        register(client, first_name="")
    assert register(client).status_code == 200
    assert len(mail.outbox) == 1


def guess(client, ip, password="wrong"):
    return client.post(
        "/accounts/sign-in/", {"username": "target@example.org", "password": password}, REMOTE_ADDR=ip
    )


def test_four_addresses_get_five_guesses_between_them_not_twenty(client):
    make_learner(email="target@example.org")
    answered = [guess(client, f"127.0.0.{n}").status_code for n in range(1, 5) for _ in range(5)]
    assert answered.count(200) == GUESSES - 1  # the fifth failure is answered with the pause
    assert answered.count(429) == 20 - (GUESSES - 1)
    locked = guess(client, "127.0.0.9", password="correct-horse-battery")
    assert locked.status_code == 429
    assert b"paused for 15 minutes" in locked.content


SPRAY = 30  # failed sign-ins from one IP address per hour, across any accounts


def test_one_address_trying_a_password_on_many_accounts_is_paused(client):
    make_learner(email="real@example.org")
    for n in range(SPRAY):
        response = client.post(
            "/accounts/sign-in/", {"username": f"staff{n}@example.org", "password": "Summer2026!"}
        )
        assert response.status_code == 200
    paused = client.post("/accounts/sign-in/", {"username": "real@example.org", "password": "correct-horse-battery"})
    assert paused.status_code == 429
    assert any("paused them for an hour" in e for e in errors_of(paused))
    assert "_auth_user_id" not in client.session
    elsewhere = client.post(
        "/accounts/sign-in/",
        {"username": "real@example.org", "password": "correct-horse-battery"},
        REMOTE_ADDR="198.51.100.20",
    )
    assert elsewhere.status_code == 302
