"""A real OpenID Connect provider for tests: oidc-provider-mock (authlib) in its own process on
127.0.0.1, reached over HTTP like any provider. Its pages are driven with httpx, as a person's
browser would; nothing on our side is mocked."""

import socket
import subprocess
import sys
import time
from urllib.parse import parse_qs, urlsplit

import httpx


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Provider:
    def __init__(self, *extra_args):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "oidc_provider_mock",
                "--port",
                str(self.port),
                "--require-registration",
                *extra_args,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.http = httpx.Client(base_url=self.url, timeout=10)
        for _ in range(150):
            try:
                self.http.get("/.well-known/openid-configuration").raise_for_status()
                return
            except httpx.HTTPError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("the OpenID Connect provider did not start")

    def stop(self):
        self.http.close()
        self.process.terminate()
        self.process.wait(timeout=10)

    def register_client(self, *redirect_uris):
        """A new client of this provider: (client id, client secret)."""
        response = self.http.post(
            "/oauth2/clients",
            json={"redirect_uris": list(redirect_uris), "token_endpoint_auth_method": "client_secret_post"},
        )
        response.raise_for_status()
        client = response.json()
        return client["client_id"], client["client_secret"]

    def set_user(self, sub, **claims):
        self.http.put(f"/users/{sub}", json=claims).raise_for_status()

    def sign_in(self, authorize_url, sub):
        """The person `sub` signs in on the provider's page at `authorize_url`; the URL the
        provider sends the browser back to (with the code and state)."""
        response = self.http.post(authorize_url, data={"sub": sub})
        assert response.status_code == 302, response.text
        return response.headers["location"]

    def id_token_for(self, client_id, secret, redirect_uri, sub):
        """A real ID token the provider issues to `client_id` for `sub` (the code flow in full)."""
        authorize = httpx.URL(
            f"{self.url}/oauth2/authorize",
            params={
                "client_id": client_id,
                "redirect_uri": redirect_uri,
                "response_type": "code",
                "scope": "openid email profile",
                "state": "s",
            },
        )
        code = parse_qs(urlsplit(self.sign_in(str(authorize), sub)).query)["code"][0]
        response = self.http.post(
            "/oauth2/token",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "client_id": client_id,
                "client_secret": secret,
            },
        )
        response.raise_for_status()
        return response.json()["id_token"]
