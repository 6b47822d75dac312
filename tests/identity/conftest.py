"""A real OpenID Connect provider for the whole run, stopped at its end; and its registration
as the partnership's work-account provider."""

import pytest
from allauth.socialaccount.models import SocialApp

from tests.identity.oidc_provider import Provider

PROVIDER_ID = "testwork"
CALLBACK = f"http://testserver/accounts/oidc/{PROVIDER_ID}/login/callback/"


@pytest.fixture(scope="session")
def oidc_provider():
    provider = Provider()
    yield provider
    provider.stop()


@pytest.fixture(scope="session")
def oidc_client(oidc_provider):
    """Our registration with the provider: (client id, secret)."""
    return oidc_provider.register_client(CALLBACK)


@pytest.fixture
def work_app(db, oidc_provider, oidc_client):
    client_id, secret = oidc_client
    return SocialApp.objects.create(
        provider="openid_connect",
        provider_id=PROVIDER_ID,
        name="NHS or council work account (Microsoft)",
        client_id=client_id,
        secret=secret,
        settings={"server_url": oidc_provider.url},
    )


@pytest.fixture(scope="session")
def stale_provider():
    """A second real provider, whose tokens have expired two minutes before they are issued."""
    provider = Provider("--token-max-age", "-120")
    yield provider
    provider.stop()


@pytest.fixture
def stale_app(db, stale_provider):
    """The stale provider as a work-account provider; its ID token is the only word on who signed
    in (no userinfo request, which its expired access token would fail first)."""
    client_id, secret = stale_provider.register_client(CALLBACK.replace(PROVIDER_ID, "stalework"))
    return SocialApp.objects.create(
        provider="openid_connect",
        provider_id="stalework",
        name="Stale work account",
        client_id=client_id,
        secret=secret,
        settings={"server_url": stale_provider.url, "fetch_userinfo": False},
    )
