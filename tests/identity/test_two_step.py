"""Two-step sign-in with real TOTP codes (pyotp, as a phone's app makes them), through the
site's pages: who must use it, the code stage, reused and wrong codes, recovery codes, the
pages that stay shut until it is set up, Wagtail's own sign-in page and the idle timeout."""

import re
from datetime import timedelta

import pyotp
import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from bs4 import BeautifulSoup
from django.utils import timezone

from cms.models import Agency
from courses.models import AgencyLead
from tests.factories import make_learner

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # make_learner's
SECRET = "JBSWY3DPEHPK3PXPTESTSECRETABCDEF"
REPORT = "/leads/reports/"
SIGN_IN = "/accounts/sign-in/"
CODE_PAGE = "/accounts/2fa/authenticate/"
SET_UP_PAGE = "/accounts/two-step-sign-in/"
ACTIVATE = "/accounts/2fa/totp/activate/"
REAUTHENTICATE = "/accounts/reauthenticate/"


def make_lead(email="lead.two@example.org", authenticator=True):
    user = make_learner("housing", email=email)
    AgencyLead.objects.create(user=user).agencies.add(Agency.objects.get(code="housing"))
    if authenticator:
        TOTP.activate(user, SECRET)
    return user


def sign_in(client, email, next_url=""):
    data = {"username": email, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(SIGN_IN, data)


def signed_in_id(client):
    return client.session.get("_auth_user_id")


def main_text(response):
    return BeautifulSoup(response.content, "html.parser").main.get_text(" ", strip=True)


def errors_of(response):
    soup = BeautifulSoup(response.content, "html.parser")
    return [li.get_text(" ", strip=True) for li in soup.select(".error-summary li")]


def confirm_password(client, response):
    """allauth asks for the password again before a change to how one signs in."""
    assert response.status_code == 302 and response.url.startswith(REAUTHENTICATE), response
    assert "Confirm it is you" in main_text(client.get(response.url))
    return client.post(response.url, {"password": PASSWORD})


def activation_page(client):
    confirm_password(client, client.get(ACTIVATE))
    return client.get(ACTIVATE)


def code_at(moment):
    return pyotp.TOTP(SECRET).at(moment)


def test_a_lead_with_an_app_gives_a_code_after_the_password_and_lands_where_she_was_going(client):
    lead = make_lead()
    asked = sign_in(client, lead.email, next_url=REPORT)
    assert asked.status_code == 302 and asked.url == CODE_PAGE
    assert signed_in_id(client) is None  # the password alone signs nobody in
    assert client.get(REPORT).url.startswith(SIGN_IN)
    page = client.get(CODE_PAGE)
    assert "Enter a code to sign in" in main_text(page)

    wrong = client.post(CODE_PAGE, {"code": "000000" if code_at(timezone.now()) != "000000" else "111111"})
    assert wrong.status_code == 200 and signed_in_id(client) is None
    assert errors_of(wrong) == [
        "That code did not work. Enter the 6-digit code your app shows now (each code works once), "
        "or a recovery code you have not used."
    ]

    done = client.post(CODE_PAGE, {"code": pyotp.TOTP(SECRET).now()})
    assert done.status_code == 302 and done.url == REPORT
    assert signed_in_id(client) == str(lead.pk)
    assert client.get(REPORT).status_code == 200


def test_a_code_used_once_is_refused_the_second_time_within_its_window(client):
    lead = make_lead()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        code = code_at(timezone.now())
        sign_in(client, lead.email)
        assert client.post(CODE_PAGE, {"code": code}).status_code == 302
        client.post("/accounts/sign-out/")
        assert signed_in_id(client) is None

        clock.shift(timedelta(seconds=20))  # still inside the code's window (and its neighbours')
        sign_in(client, lead.email)
        replayed = client.post(CODE_PAGE, {"code": code})
        assert replayed.status_code == 200 and signed_in_id(client) is None
        assert errors_of(replayed)[0].startswith("That code did not work.")

        fresh = code_at(timezone.now() + timedelta(seconds=30))  # the next code, within the tolerance
        assert fresh != code
        assert client.post(CODE_PAGE, {"code": fresh}).status_code == 302
        assert signed_in_id(client) == str(lead.pk)


def test_a_code_from_too_long_ago_is_refused(client):
    lead = make_lead()
    sign_in(client, lead.email)
    stale = code_at(timezone.now() - timedelta(minutes=5))
    refused = client.post(CODE_PAGE, {"code": stale})
    assert refused.status_code == 200 and signed_in_id(client) is None


def test_a_recovery_code_signs_in_once(client):
    lead = make_lead()
    codes = RecoveryCodes.activate(lead).get_unused_codes()
    assert len(codes) == 10
    sign_in(client, lead.email)
    assert client.post(CODE_PAGE, {"code": codes[0]}).status_code == 302
    assert signed_in_id(client) == str(lead.pk)
    client.post("/accounts/sign-out/")

    sign_in(client, lead.email)
    again = client.post(CODE_PAGE, {"code": codes[0]})
    assert again.status_code == 200 and signed_in_id(client) is None
    assert errors_of(again)[0].startswith("That code did not work.")
    assert client.post(CODE_PAGE, {"code": codes[1]}).status_code == 302
    assert signed_in_id(client) == str(lead.pk)
    stored = Authenticator.objects.get(user=lead, type=Authenticator.Type.RECOVERY_CODES)
    assert len(stored.wrap().get_unused_codes()) == 8


def test_the_code_page_without_a_password_first_goes_back_to_sign_in(client):
    assert client.get(CODE_PAGE).url.startswith("/accounts/login/")
    assert client.post(CODE_PAGE, {"code": "123456"}).url.startswith("/accounts/login/")
    assert signed_in_id(client) is None


def test_a_learner_without_an_app_signs_in_with_a_password(client):
    learner = make_learner(email="plain@example.org")
    response = sign_in(client, learner.email)
    assert response.url == "/my/" and signed_in_id(client) == str(learner.pk)
    assert client.get("/my/").status_code == 200


@pytest.fixture
def commits_at_once(monkeypatch):
    """Outside a test's transaction, allauth's activation commits as it ends, so what waits for
    the commit (the `authenticator_added` signal, which counts this session's code) runs
    within the request; inside one it would wait for the test's end."""
    from allauth.mfa.totp.internal import flows

    monkeypatch.setattr(flows.transaction, "on_commit", lambda func, *args, **kwargs: func())


def test_a_lead_without_an_app_must_set_one_up_before_anything_else_opens(client, commits_at_once):
    lead = make_lead(authenticator=False)
    landed = sign_in(client, lead.email)
    assert client.get(landed.url).url == SET_UP_PAGE
    for shut in (REPORT, "/admin/", "/accounts/api-tokens/", "/my/"):
        assert client.get(shut).url == SET_UP_PAGE, shut
    assert "Set up two-step sign-in" in main_text(client.get(SET_UP_PAGE))

    page = activation_page(client)
    soup = BeautifulSoup(page.content, "html.parser")
    qr = soup.select_one("main img")
    assert qr["src"].startswith("data:image/svg+xml;base64,")  # the CSP allows data: images
    assert "data:" in page["Content-Security-Policy"].split("img-src")[1].split(";")[0]
    secret = soup.select_one("#authenticator_secret").get_text()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)

    wrong = client.post(ACTIVATE, {"code": "12345"})
    assert wrong.status_code == 200 and not Authenticator.objects.filter(user=lead).exists()
    assert errors_of(wrong)

    done = client.post(ACTIVATE, {"code": pyotp.TOTP(secret).now()})
    assert done.url == "/accounts/2fa/recovery-codes/"
    codes_page = client.get(done.url)
    shown = [
        c.get_text() for c in BeautifulSoup(codes_page.content, "html.parser").select("#recovery_codes code")
    ]
    stored = Authenticator.objects.get(user=lead, type=Authenticator.Type.RECOVERY_CODES)
    assert shown == stored.wrap().get_unused_codes() and len(shown) == 10
    download = client.get("/accounts/2fa/recovery-codes/download/")
    assert download["Content-Type"].startswith("text/plain") and shown[0] in download.content.decode()
    assert client.get(REPORT).status_code == 200  # this session gave a code when adding the app


def test_wagtails_own_sign_in_page_does_not_let_a_password_alone_in(client):
    admin = make_lead(email="wagtail.admin@example.org")
    admin.is_superuser = admin.is_staff = True
    admin.save()
    assert client.get("/admin/").url.startswith(SIGN_IN)  # WAGTAILADMIN_LOGIN_URL
    client.post("/admin/login/", {"username": admin.email, "password": PASSWORD})
    bounced = client.get("/admin/")
    assert bounced.status_code == 302 and bounced.url.startswith(SIGN_IN)
    assert signed_in_id(client) is None  # signed out again, not just redirected


def test_wagtails_sign_in_page_sends_an_admin_without_an_app_to_set_one_up(client):
    admin = make_learner(email="new.admin@example.org")
    admin.is_superuser = admin.is_staff = True
    admin.save()
    client.post("/admin/login/", {"username": admin.email, "password": PASSWORD})
    assert client.get("/admin/").url == SET_UP_PAGE


def sign_in_fully(client, user):
    sign_in(client, user.email)
    assert client.post(CODE_PAGE, {"code": pyotp.TOTP(SECRET).now()}).status_code == 302


def test_a_leads_session_ends_after_30_minutes_idle_and_each_request_restarts_the_clock(client):
    lead = make_lead()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        sign_in_fully(client, lead)
        assert client.session.get_expiry_age() == 1800
        for _ in range(3):  # an hour and a quarter of work, never 30 minutes apart
            clock.shift(timedelta(minutes=25))
            assert client.get(REPORT).status_code == 200
        clock.shift(timedelta(minutes=31))
        assert client.get(REPORT).url.startswith(SIGN_IN)


def test_a_learners_session_is_not_cut_short(client, settings):
    learner = make_learner(email="steady@example.org")
    with time_machine.travel(timezone.now(), tick=False) as clock:
        sign_in(client, learner.email)
        assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE
        clock.shift(timedelta(hours=3))
        assert client.get("/my/").status_code == 200


def test_a_learner_may_turn_two_step_sign_in_on_from_her_profile_and_off_again(client, commits_at_once):
    learner = make_learner(email="careful@example.org")
    sign_in(client, learner.email)
    profile = BeautifulSoup(client.get("/accounts/profile/").content, "html.parser")
    link = profile.find("a", string=re.compile("Set up two-step sign-in"))
    assert link["href"] == "/accounts/2fa/"
    page = activation_page(client)
    secret = BeautifulSoup(page.content, "html.parser").select_one("#authenticator_secret").get_text()
    client.post(ACTIVATE, {"code": pyotp.TOTP(secret).now()})
    assert Authenticator.objects.filter(user=learner, type=Authenticator.Type.TOTP).exists()
    client.post("/accounts/sign-out/")
    assert sign_in(client, learner.email).url == CODE_PAGE

    client.post(CODE_PAGE, {"code": pyotp.TOTP(secret).now()})
    profile = main_text(client.get("/accounts/profile/"))
    assert "Two-step sign-in is on" in profile
    off = confirm_password(client, client.post("/accounts/2fa/totp/deactivate/"))
    assert off.status_code == 302
    assert not Authenticator.objects.filter(user=learner).exists()
    client.post("/accounts/sign-out/")
    assert sign_in(client, learner.email).url == "/my/"


def test_a_lead_cannot_turn_two_step_sign_in_off(client):
    lead = make_lead()
    sign_in_fully(client, lead)
    refused = confirm_password(client, client.post("/accounts/2fa/totp/deactivate/"))
    assert refused.status_code == 200
    assert errors_of(refused)[0].startswith("Your role needs two-step sign-in")
    assert Authenticator.objects.filter(user=lead, type=Authenticator.Type.TOTP).exists()
