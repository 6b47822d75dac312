"""Pages for when something stops a visitor (not found, not allowed, an expired form) look like
the rest of the site, say what happened in plain words and offer a way back; the favicon is
the project's own and served with the site."""

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from tests.factories import make_learner

pytestmark = pytest.mark.django_db


def page(response):
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one("header.site-header") and soup.select_one("footer.site-footer")  # the site's look
    assert soup.select_one("link[rel=stylesheet]")["href"] == "/static/cms/css/site.css"
    return soup


def test_not_found(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    soup = page(response)
    assert soup.h1.text == "Page not found"
    assert soup.title.text.startswith("Page not found | ")
    assert {a["href"] for a in soup.select("main a")} >= {"/", "/search/", "/toolkit/"}


def test_not_allowed(client):
    client.force_login(make_learner())
    response = client.get("/leads/reports/")
    assert response.status_code == 403
    soup = page(response)
    assert soup.h1.text == "You cannot open this page"
    assert "Reports are for agency leads and the partnership manager." in soup.main.text
    assert "/" in {a["href"] for a in soup.select("main a")}


def test_an_expired_form():
    response = Client(enforce_csrf_checks=True).post(
        "/accounts/sign-in/", {"username": "a@example.org", "password": "x"}
    )
    assert response.status_code == 403
    soup = page(response)
    assert soup.h1.text == "This form has expired"
    assert "Nothing was saved" in soup.main.text


def test_the_favicon_is_linked_and_served(client):
    icon = BeautifulSoup(client.get("/").content, "html.parser").select_one("link[rel=icon]")
    assert icon["href"] == "/static/cms/images/favicon.svg"
    response = client.get(icon["href"])
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert b"<svg" in b"".join(response.streaming_content)
