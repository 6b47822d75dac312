"""Behind a proxy every request arrives from the proxy's address: each limit and lock must
count the visitor's own address, read through the configured number of trusted proxies,
and must not believe an `X-Forwarded-For` header when no proxy is configured."""

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.test import RequestFactory

from cms.client_address import client_ip
from tests.factories import make_learner

PROXY = "10.0.0.1"
VERIFY_LIMIT = 30  # look-ups per address per ten minutes, as the verify page promises


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()


def request_from(remote, forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


@pytest.mark.parametrize(
    "count, remote, forwarded, expected",
    [
        (0, "198.51.100.7", None, "198.51.100.7"),
        (0, "198.51.100.7", "203.0.113.5", "198.51.100.7"),  # no proxy: the header is a lie
        (1, PROXY, "203.0.113.5", "203.0.113.5"),
        (1, PROXY, "1.2.3.4, 203.0.113.5", "203.0.113.5"),  # the visitor's own prefix is ignored
        (1, PROXY, "1.2.3.4,203.0.113.5", "203.0.113.5"),
        (2, "10.0.0.2", "9.9.9.9, 203.0.113.5, 10.0.0.1", "203.0.113.5"),
        (2, "10.0.0.2", "10.0.0.1", "10.0.0.1"),  # fewer entries than proxies: the farthest hop
        (1, PROXY, None, PROXY),
        (1, PROXY, "", PROXY),
        (1, PROXY, "not-an-address", PROXY),
        (1, PROXY, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_client_is_the_entry_the_outermost_trusted_proxy_wrote(
    settings, count, remote, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = count
    assert client_ip(request_from(remote, forwarded)) == expected


def test_development_trusts_no_proxy_by_default(settings):
    assert settings.TRUSTED_PROXY_COUNT == 0


def look_up(client, forwarded):
    return client.get("/certificates/verify/", {"code": "ABCD-EFGH-JKLM"}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)


@pytest.mark.django_db
def test_two_visitors_behind_the_proxy_have_their_own_verify_limit(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(VERIFY_LIMIT):
        assert look_up(client, "203.0.113.5").status_code != 429
    assert look_up(client, "203.0.113.5").status_code == 429
    assert look_up(client, "203.0.113.6").status_code != 429


@pytest.mark.django_db
def test_without_a_proxy_a_forged_header_does_not_buy_more_look_ups(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for n in range(VERIFY_LIMIT):
        assert look_up(client, f"203.0.113.{n}").status_code != 429
    assert look_up(client, "203.0.113.200").status_code == 429


@pytest.mark.django_db
def test_sign_in_failures_are_recorded_against_the_visitor_not_the_proxy(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    make_learner(email="target@example.org")
    client.post(
        "/accounts/sign-in/",
        {"username": "target@example.org", "password": "wrong"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9",
    )
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.9"]
