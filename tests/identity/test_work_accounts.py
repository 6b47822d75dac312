"""Signing in with a work account, against a real OpenID Connect provider (tests/identity/
oidc_provider.py): our side through Django's test client, the provider's pages over HTTP."""

import base64
import time
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
import time_machine
from allauth.socialaccount.models import SocialAccount, SocialApp
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils.html import escape

from cms.models import Agency, PartnershipSettings
from courses.models import LearnerProfile
from identity.oidc import verify_id_token
from tests.factories import make_learner
from tests.identity.conftest import CALLBACK, PROVIDER_ID

pytestmark = pytest.mark.django_db

LOGIN = f"/accounts/oidc/{PROVIDER_ID}/login/"
SIGNUP = "/accounts/3rdparty/signup/"
NOT_SIGNED_IN = "You have not been signed in"
User = get_user_model()


def start(client, login=LOGIN):
    """Press the work-account button: the provider's sign-in page our site sends the browser on
    to (by a page, not a redirect, which the site's form-action policy would stop)."""
    response = client.post(login)
    assert response.status_code == 200
    url = response.context["url"]
    assert f'<meta http-equiv="refresh" content="0; url={escape(url)}">' in response.content.decode()
    return url


def sign_in(client, provider, sub, **claims):
    """The whole round trip for `sub`; our site's answer to the provider's redirect back."""
    provider.set_user(sub, **claims)
    back = provider.sign_in(start(client), sub)
    return client.get(back)


def claims(email, verified=True, given="Wren", family="Okafor"):
    return {"email": email, "email_verified": verified, "given_name": given, "family_name": family}


def signup_data(agency, **overrides):
    return {
        "first_name": "Wren",
        "last_name": "Okafor",
        "agency": agency.pk,
        "job_role": "nurse",
        "job_role_other": "",
        "team": "Community nursing",
        "accept_privacy": "on",
        **overrides,
    }


def nothing_written(before_users):
    assert User.objects.count() == before_users
    assert not SocialAccount.objects.exists()


@pytest.fixture
def nhs():
    agency = Agency.objects.exclude(code="housing").order_by("pk").first()
    agency.allowed_email_domains = "nhs.net"
    agency.save()
    return agency


# The way in


def test_a_first_sign_in_makes_an_account_with_the_agency_from_the_email(
    client, work_app, oidc_provider, nhs
):
    response = sign_in(client, oidc_provider, "wren-1", **claims("Wren.Okafor@NHS.net"))
    assert response.status_code == 302 and response["Location"] == SIGNUP
    form_page = client.get(SIGNUP)
    html = form_page.content.decode()
    assert "Finish setting up your account" in html
    assert "wren.okafor@nhs.net" in html
    assert 'name="email"' not in html  # the provider's address, not one to type
    form = form_page.context["form"]
    assert form.initial["agency"] == nhs
    assert form.initial["first_name"] == "Wren" and form.initial["last_name"] == "Okafor"
    assert not User.objects.filter(username="wren.okafor@nhs.net").exists()

    response = client.post(SIGNUP, signup_data(nhs, email="someone.else@example.org"))
    assert response.status_code == 302
    user = User.objects.get(username="wren.okafor@nhs.net")
    assert user.email == "wren.okafor@nhs.net"
    assert (user.first_name, user.last_name) == ("Wren", "Okafor")
    assert not user.has_usable_password()
    profile = LearnerProfile.objects.get(user=user)
    assert (profile.agency, profile.job_role, profile.team) == (nhs, "nurse", "Community nursing")
    assert SocialAccount.objects.get(user=user).uid == "wren-1"
    assert user.emailaddress_set.get().verified
    assert client.get("/").wsgi_request.user == user


def test_the_agency_rules_still_apply_on_the_first_sign_in_form(client, work_app, oidc_provider, nhs):
    housing = Agency.objects.get(code="housing")
    housing.allowed_email_domains = "council.gov.uk"
    housing.save()
    sign_in(client, oidc_provider, "wren-2", **claims("wren@nhs.net"))
    before = User.objects.count()
    response = client.post(SIGNUP, signup_data(housing))
    assert response.status_code == 200
    assert (
        f"{housing.name} staff must register with a work address ending council.gov.uk."
        in response.content.decode()
    )
    response = client.post(SIGNUP, signup_data(nhs, accept_privacy=""))
    assert "You need to agree to the privacy notice to register." in response.content.decode()
    assert User.objects.count() == before


def test_no_agency_is_chosen_when_the_domain_matches_none_or_several(client, work_app, oidc_provider, nhs):
    other = Agency.objects.exclude(pk=nhs.pk).exclude(code="housing").order_by("pk").first()
    other.allowed_email_domains = "nhs.net"
    other.save()
    sign_in(client, oidc_provider, "wren-3", **claims("wren@nhs.net"))
    assert client.get(SIGNUP).context["form"].initial["agency"] is None


def test_a_second_sign_in_goes_straight_in(client, work_app, oidc_provider, nhs):
    sign_in(client, oidc_provider, "wren-4", **claims("wren4@nhs.net"))
    client.post(SIGNUP, signup_data(nhs))
    client.logout()
    before = User.objects.count()
    response = sign_in(client, oidc_provider, "wren-4", **claims("wren4@nhs.net"))
    assert response.status_code == 302 and response["Location"] != SIGNUP
    assert client.get("/").wsgi_request.user.username == "wren4@nhs.net"
    assert User.objects.count() == before


def test_an_existing_account_is_linked_by_a_verified_email(client, work_app, oidc_provider):
    learner = make_learner(email="lin.existing@example.org")
    response = sign_in(client, oidc_provider, "lin-1", **claims("Lin.Existing@example.org"))
    assert response.status_code == 302 and response["Location"] != SIGNUP
    assert client.get("/").wsgi_request.user == learner
    assert SocialAccount.objects.get(uid="lin-1").user == learner


def test_an_unverified_email_never_signs_in_to_or_links_an_existing_account(client, work_app, oidc_provider):
    learner = make_learner(email="una.victim@example.org")
    before = User.objects.count()
    response = sign_in(client, oidc_provider, "attacker", **claims("una.victim@example.org", verified=False))
    assert response["Location"] == SIGNUP
    assert not client.get("/").wsgi_request.user.is_authenticated
    response = client.post(SIGNUP, signup_data(learner.learner_profile.agency))
    assert response.status_code == 200
    assert "There is already an account for una.victim@example.org" in response.content.decode()
    assert not client.get("/").wsgi_request.user.is_authenticated
    nothing_written(before)


def test_a_sign_in_refused_at_the_provider_says_so(client, work_app, oidc_provider):
    # This provider leaves the state out when the person refuses, so it is not told apart from
    # any other failed sign-in; one that keeps it lands on the "Sign-in cancelled" page.
    back = oidc_provider.http.post(start(client), data={"action": "deny"}).headers["location"]
    assert "error=access_denied" in back
    response = client.get(back)
    assert NOT_SIGNED_IN in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated
    assert "Sign-in cancelled" in client.get("/accounts/3rdparty/login/cancelled/").content.decode()


# Refused: each with a clear page, no account made, nothing written


def refused(response, before, cause=None):
    """Our site's answer is the plain "not signed in" page, for the reason given: `cause`, the
    check of the ID token that failed, or None for a sign-in refused before any token is fetched
    (no state, or the provider's refusal)."""
    assert response.status_code == 401
    assert NOT_SIGNED_IN in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated
    error = response.context["auth_error"]["exception"]
    if cause is None:
        assert error is None or not isinstance(error.__cause__, jwt.PyJWTError)
    else:
        assert isinstance(error.__cause__, cause), repr(error.__cause__)
    nothing_written(before)


def test_a_replayed_callback_is_refused(client, work_app, oidc_provider):
    oidc_provider.set_user("rita", **claims("rita@example.org"))
    back = oidc_provider.sign_in(start(client), "rita")
    assert client.get(back)["Location"] == SIGNUP
    other = Client()
    before = User.objects.count()
    refused(other.get(back), before)  # the same URL in another browser
    refused(client.get(back), before)  # and again in the first


def test_a_callback_without_state_is_refused(client, work_app, oidc_provider):
    oidc_provider.set_user("sam", **claims("sam@example.org"))
    back = oidc_provider.sign_in(start(client), "sam")
    query = parse_qs(urlsplit(back).query)
    before = User.objects.count()
    refused(
        client.get(CALLBACK.removeprefix("http://testserver") + "?" + urlencode({"code": query["code"][0]})),
        before,
    )


def test_a_callback_with_a_forged_state_is_refused(client, work_app, oidc_provider):
    oidc_provider.set_user("fay", **claims("fay@example.org"))
    back = oidc_provider.sign_in(start(client), "fay")
    query = parse_qs(urlsplit(back).query)
    forged = urlencode({"code": query["code"][0], "state": "forged" + query["state"][0][6:]})
    before = User.objects.count()
    refused(client.get(CALLBACK.removeprefix("http://testserver") + "?" + forged), before)


def test_a_code_issued_to_another_client_is_refused_at_the_callback(client, work_app, oidc_provider):
    other_id, _secret = oidc_provider.register_client(CALLBACK)
    oidc_provider.set_user("otto", **claims("otto@example.org"))
    ours = parse_qs(urlsplit(start(client)).query)
    theirs = ours | {"client_id": [other_id]}
    back = oidc_provider.sign_in(
        f"{oidc_provider.url}/oauth2/authorize?{urlencode(theirs, doseq=True)}", "otto"
    )
    before = User.objects.count()
    refused(client.get(back), before)


def test_an_expired_id_token_is_refused_at_the_callback(client, stale_app, stale_provider):
    stale_provider.set_user("eve", **claims("eve@example.org"))
    started = start(client, "/accounts/oidc/stalework/login/")
    before = User.objects.count()
    refused(client.get(stale_provider.sign_in(started, "eve")), before, jwt.ExpiredSignatureError)


def test_an_id_token_not_signed_with_the_providers_keys_is_refused_at_the_callback(
    client, work_app, oidc_provider, stale_provider
):
    """allauth's own adapter would take this token unchecked, having fetched it itself."""
    work_app.settings["openid_configuration_overrides"] = {"jwks_uri": f"{stale_provider.url}/jwks"}
    work_app.save()
    before = User.objects.count()
    refused(
        sign_in(client, oidc_provider, "ivy", **claims("ivy@example.org")), before, jwt.InvalidSignatureError
    )


# The verifier, given real tokens from the provider


@pytest.fixture
def issued(work_app, oidc_provider, oidc_client):
    """A real ID token the provider issued to our client."""
    client_id, secret = oidc_client
    oidc_provider.set_user("tia", **claims("tia@example.org"))
    return oidc_provider.id_token_for(client_id, secret, CALLBACK, "tia")


def jwks(provider):
    return f"{provider.url}/jwks"


def token_refused(app, token, provider, cause):
    with pytest.raises(OAuth2Error) as refusal:
        verify_id_token(app, token, jwks(provider))
    assert isinstance(refusal.value.__cause__, cause), repr(refusal.value.__cause__)


def test_a_real_token_for_us_is_accepted(work_app, oidc_provider, issued):
    assert verify_id_token(work_app, issued, jwks(oidc_provider))["sub"] == "tia"


def test_a_token_issued_to_another_client_is_refused(work_app, oidc_provider):
    other_id, other_secret = oidc_provider.register_client(CALLBACK)
    oidc_provider.set_user("tia", **claims("tia@example.org"))
    token = oidc_provider.id_token_for(other_id, other_secret, CALLBACK, "tia")
    other_app = SocialApp(client_id=other_id, settings=work_app.settings)
    assert verify_id_token(other_app, token, jwks(oidc_provider))["aud"] == [other_id]  # a good token...
    token_refused(work_app, token, oidc_provider, jwt.InvalidAudienceError)  # ...but not for us


def test_an_expired_token_is_refused(work_app, oidc_provider, issued):
    with time_machine.travel(time.time() + 3600 + 120):  # an hour's life and a minute's leeway
        token_refused(work_app, issued, oidc_provider, jwt.ExpiredSignatureError)


def test_a_token_that_has_expired_when_issued_is_refused(stale_app, stale_provider):
    stale_provider.set_user("old", **claims("old@example.org"))
    callback = CALLBACK.replace(PROVIDER_ID, "stalework")
    token = stale_provider.id_token_for(stale_app.client_id, stale_app.secret, callback, "old")
    token_refused(stale_app, token, stale_provider, jwt.ExpiredSignatureError)


def test_a_token_with_an_altered_signature_is_refused(work_app, oidc_provider, issued):
    header, payload, signature = issued.split(".")
    raw = bytearray(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)))
    raw[10] ^= 0x01
    altered = base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()
    token_refused(work_app, f"{header}.{payload}.{altered}", oidc_provider, jwt.InvalidSignatureError)


def test_a_token_signed_by_another_provider_is_refused(work_app, issued, stale_provider):
    token_refused(work_app, issued, stale_provider, jwt.InvalidSignatureError)


def test_a_token_from_another_issuer_is_refused(work_app, oidc_provider, issued):
    elsewhere = SocialApp(client_id=work_app.client_id, settings={"server_url": "https://login.example.org"})
    token_refused(elsewhere, issued, oidc_provider, jwt.InvalidIssuerError)


def test_an_unsigned_token_is_refused(work_app, oidc_provider, issued):
    payload = jwt.decode(issued, options={"verify_signature": False})
    unsigned = jwt.encode(payload, key=None, algorithm="none")
    with pytest.raises(OAuth2Error, match="ID token"):
        verify_id_token(work_app, unsigned, jwks(oidc_provider))


# Pages and settings


def test_the_sign_in_and_register_pages_offer_each_provider_as_a_button(client, work_app):
    for url in ("/accounts/sign-in/", "/accounts/register/"):
        html = client.get(url).content.decode()
        assert f'<form method="post" action="{LOGIN}?process=login"' in html
        assert "NHS or council work account (Microsoft)" in html


def test_a_get_of_the_login_url_only_asks(client, work_app):
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert 'method="post"' in response.content.decode()


@pytest.fixture
def passwords_off(work_app):
    settings = PartnershipSettings.objects.get()
    settings.allow_passwords = False
    settings.save()


def test_with_passwords_off_a_learner_cannot_sign_in_with_one(client, passwords_off):
    learner = make_learner(email="pat.password@example.org")
    page = client.get("/accounts/sign-in/").content.decode()
    assert "Everyone signs in with their work account" in page
    assert "Forgotten your password?" not in page
    response = client.post(
        "/accounts/sign-in/", {"username": learner.email, "password": "correct-horse-battery"}
    )
    assert response.status_code == 200
    assert "Sign in with your work account: this partnership has turned off signing in with a password." in (
        response.content.decode()
    )
    assert not response.wsgi_request.user.is_authenticated


def test_with_passwords_off_a_superuser_still_can(client, passwords_off):
    admin = User.objects.create_superuser(
        "break.glass@example.org", "break.glass@example.org", "a-long-pass-phrase"
    )
    response = client.post("/accounts/sign-in/", {"username": admin.email, "password": "a-long-pass-phrase"})
    assert response.status_code == 302
    assert response.wsgi_request.user == admin


def test_with_passwords_off_registering_says_to_use_a_work_account(client, passwords_off):
    from courses.models import PendingRegistration

    page = client.get("/accounts/register/").content.decode()
    assert "Staff register by signing in with their work account" in page
    assert 'name="password1"' not in page
    response = client.post(
        "/accounts/register/",
        {"first_name": "Ned", "last_name": "New", "email": "ned@example.org", "password1": "x" * 12},
    )
    assert response.status_code == 403
    assert "this partnership has turned off registering with a password" in response.content.decode()
    assert not PendingRegistration.objects.exists()


def settings_form_post(client, allow_passwords):
    """Partnership settings sent from its admin page as shown, with passwords on or off."""
    from bs4 import BeautifulSoup
    from wagtail.models import Site

    url = f"/admin/settings/cms/partnershipsettings/{Site.objects.get(is_default_site=True).pk}/"
    page = BeautifulSoup(client.get(url).content, "html.parser")
    form = page.find("input", attrs={"name": "allow_passwords"}).find_parent("form")
    data = {}
    for field in form.find_all(["input", "textarea", "select"]):
        name = field.get("name")
        if not name or field.get("type") in ("checkbox", "submit"):
            continue
        if field.name == "textarea":
            data[name] = field.text
        elif field.name == "select":
            chosen = field.find("option", selected=True)
            data[name] = chosen["value"] if chosen else ""
        else:
            data[name] = field.get("value", "")
    if allow_passwords:
        data["allow_passwords"] = "on"
    return client.post(url, data)


def test_the_settings_page_refuses_to_turn_passwords_off_without_a_provider(superuser_client):
    response = settings_form_post(superuser_client, allow_passwords=False)
    assert response.status_code == 200
    assert "Set up a work account provider (Settings → Work accounts) before turning off passwords" in (
        response.content.decode()
    )
    assert PartnershipSettings.objects.get().allow_passwords


def test_the_settings_page_turns_passwords_off_once_a_provider_is_set_up(superuser_client, work_app):
    response = settings_form_post(superuser_client, allow_passwords=False)
    assert response.status_code == 302
    assert not PartnershipSettings.objects.get().allow_passwords


def test_passwords_cannot_be_turned_off_without_a_provider(db):
    from django.core.exceptions import ValidationError

    settings = PartnershipSettings.objects.get()
    settings.allow_passwords = False
    with pytest.raises(ValidationError) as refused:
        settings.full_clean()
    assert refused.value.message_dict["allow_passwords"] == [
        "Set up a work account provider (Settings → Work accounts) before turning off passwords, or nobody "
        "could sign in."
    ]


# Settings → Work accounts


ADMIN = "/admin/work-accounts/"


def provider_form(**overrides):
    return {
        "name": "Police work account",
        "provider_id": "police",
        "client_id": "abc-123",
        "secret": "s3cret-value",
        "server_url": "https://login.microsoftonline.com/tenant-1/v2.0/.well-known/openid-configuration",
        **overrides,
    }


@pytest.fixture
def superuser_client(client):
    client.force_login(User.objects.filter(is_superuser=True).first())
    return client


def test_a_superuser_adds_a_provider(superuser_client):
    response = superuser_client.post(f"{ADMIN}new/", provider_form())
    assert response.status_code == 302
    app = SocialApp.objects.get(provider_id="police")
    assert (app.provider, app.name, app.client_id, app.secret) == (
        "openid_connect",
        "Police work account",
        "abc-123",
        "s3cret-value",
    )
    assert app.settings == {"server_url": "https://login.microsoftonline.com/tenant-1/v2.0"}


def test_the_secret_is_never_shown_and_blank_keeps_it(superuser_client, work_app):
    page = superuser_client.get(f"{ADMIN}edit/{work_app.pk}/").content.decode()
    assert work_app.secret not in page
    assert work_app.settings["server_url"] in page
    response = superuser_client.post(
        f"{ADMIN}edit/{work_app.pk}/",
        provider_form(provider_id=PROVIDER_ID, secret="", server_url=work_app.settings["server_url"]),
    )
    assert response.status_code == 302
    work_app.refresh_from_db()
    assert work_app.secret == SocialApp.objects.get(pk=work_app.pk).secret != ""
    assert work_app.name == "Police work account"


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("server_url", "http://login.example.org/tenant", "The server URL must start with https://"),
        ("server_url", "login.example.org", "Enter the server URL as a web address"),
        ("provider_id", "police force", "Use only letters, numbers, hyphens and underscores"),
        ("provider_id", PROVIDER_ID, "Another provider already has this short name"),
        ("secret", "", "Enter the client secret."),
        ("client_id", "", "Enter the client ID."),
    ],
)
def test_bad_provider_settings_are_refused_plainly(superuser_client, work_app, field, value, message):
    before = SocialApp.objects.count()
    response = superuser_client.post(f"{ADMIN}new/", provider_form(**{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert SocialApp.objects.count() == before


def test_only_superusers_see_work_accounts(client, work_app):
    editor = User.objects.get(username="editor@example.org")
    client.force_login(editor)
    assert client.get(ADMIN).status_code in (302, 403)
    assert client.get(f"{ADMIN}edit/{work_app.pk}/").status_code in (302, 403)
    assert client.post(f"{ADMIN}new/", provider_form()).status_code in (302, 403)
    assert not SocialApp.objects.filter(provider_id="police").exists()


def test_a_work_account_without_an_email_cannot_make_an_account(client, work_app, oidc_provider, nhs):
    response = sign_in(client, oidc_provider, "no-email", given_name="Noor", family_name="Nomail")
    assert response["Location"] == SIGNUP
    before = User.objects.count()
    response = client.post(SIGNUP, signup_data(nhs))
    assert "Your work account did not give us an email address" in response.content.decode()
    assert User.objects.count() == before


def test_the_last_provider_cannot_be_deleted_while_passwords_are_off(
    superuser_client, work_app, passwords_off
):
    response = superuser_client.post(f"{ADMIN}delete/{work_app.pk}/", follow=True)
    assert "This is the only work account provider" in response.content.decode()
    assert SocialApp.objects.filter(pk=work_app.pk).exists()
