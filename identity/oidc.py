"""Signing in with a work account (OpenID Connect) through allauth, with every ID token checked.

allauth skips the signature of an ID token it fetched from the provider itself (OpenID Connect
allows that over TLS). Here the token is always checked against the provider's published keys:
signature, issuer (the server URL the partnership configured, not just what the discovery
document says), audience (our client id), expiry and issue time, so a token made for another
service, an old one or a forged one never signs anyone in. The login and callback views are
allauth's, served through this adapter (identity.allauth_urls puts them on allauth's paths)."""

import jwt
from allauth.account.internal.decorators import login_not_required
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.http import Http404
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

# Public-key algorithms only: a token "signed" with a shared secret or with none is refused.
SIGNING_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"]
CLOCK_SKEW_SECONDS = 60


def issuer_of(app):
    """The issuer an ID token from `app` must name: its configured server URL."""
    return app.settings["server_url"].rstrip("/")


def signing_key(id_token, jwks_uri):
    """The algorithm and public key the provider signed `id_token` with, from its published
    keys: the one named by the token's "kid", or the only signing key when it names none."""
    header = jwt.get_unverified_header(id_token)
    algorithm = header.get("alg")
    if algorithm not in SIGNING_ALGORITHMS:
        raise OAuth2Error(f"ID token signed with {algorithm}")
    with get_adapter().get_requests_session() as session:
        response = session.get(jwks_uri)
        response.raise_for_status()
        keys = response.json()["keys"]
    kid = header.get("kid")
    candidates = [k for k in keys if k.get("use", "sig") == "sig" and (kid is None or k.get("kid") == kid)]
    if len(candidates) != 1:
        raise OAuth2Error("No single key of the provider's matches the ID token")
    return algorithm, jwt.PyJWK(candidates[0], algorithm).key


def verify_id_token(app, id_token, jwks_uri):
    """The claims of `id_token` if the provider of `app` signed it for us and it is current;
    otherwise OAuth2Error, which allauth shows as a failed sign-in."""
    try:
        algorithm, key = signing_key(id_token, jwks_uri)
        claims = jwt.decode(
            id_token,
            key=key,
            algorithms=[algorithm],
            issuer=issuer_of(app),
            audience=app.client_id,
            leeway=CLOCK_SKEW_SECONDS,
            options={"require": ["iss", "aud", "exp", "iat", "sub"]},
        )
    except (jwt.PyJWTError, KeyError, ValueError, TypeError) as error:
        raise OAuth2Error("Invalid ID token") from error
    jwtkit.verify_jti(claims)  # a token seen before is refused
    return claims


class VerifyingOIDCAdapter(OpenIDConnectOAuth2Adapter):
    def _decode_id_token(self, app, id_token):
        return verify_id_token(app, id_token, self.openid_config["jwks_uri"])

    def complete_login(self, request, app, token, **kwargs):
        if not kwargs["response"].get("id_token"):
            raise OAuth2Error("The provider sent no ID token")
        return super().complete_login(request, app, token, **kwargs)


@login_not_required
def login(request, provider_id):
    """allauth's start of a sign-in, except that the way on to the provider is a page rather
    than a redirect: the site's Content Security Policy lets forms go only to this site
    (form-action 'self'), and browsers apply that to where a form's answer redirects too."""
    try:
        response = OAuth2LoginView.adapter_view(VerifyingOIDCAdapter(request, provider_id))(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None
    if response.status_code == 302 and not url_has_allowed_host_and_scheme(response["Location"], None):
        return render(request, "identity/work_account_redirect.html", {"url": response["Location"]})
    return response


@login_not_required
def callback(request, provider_id):
    try:
        return OAuth2CallbackView.adapter_view(VerifyingOIDCAdapter(request, provider_id))(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None
