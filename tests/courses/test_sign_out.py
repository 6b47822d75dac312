"""Signing out: only a POST signs out; the page asks first and then says so plainly."""

import pytest
from bs4 import BeautifulSoup

from tests.factories import make_learner

pytestmark = pytest.mark.django_db


def test_opening_the_sign_out_page_asks_first_and_signs_no_one_out(client):
    client.force_login(make_learner(email="sam@example.org"))
    response = client.get("/accounts/sign-out/")
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.h1.text == "Sign out"
    assert "sam@example.org" in soup.main.text
    form = soup.select_one("main form")
    assert form["method"] == "post" and form.button.text == "Sign out"
    assert client.get("/my/").status_code == 200  # still signed in


def test_signing_out_says_so(client):
    client.force_login(make_learner())
    response = client.post("/accounts/sign-out/", follow=True)
    assert response.redirect_chain == [("/accounts/sign-out/", 302)]
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.h1.text == "You have signed out"
    assert soup.title.text.startswith("You have signed out | ")
    assert "/accounts/sign-in/" in {a["href"] for a in soup.select("main a")}
    assert "Sign in" in soup.select_one(".site-nav").text
    assert client.get("/my/").status_code == 302  # signed out: My learning asks to sign in
