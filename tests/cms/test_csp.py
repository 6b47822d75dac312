"""No inline script runs on the public site: the Content Security Policy has no
'unsafe-inline' for scripts, and no page depends on one (every script is a file)."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model

from cms.models import ChapterPage
from tests.quizzes.test_attempts import ready_for_quiz

pytestmark = pytest.mark.django_db


def script_sources(response):
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    return directives["script-src"].split()


def inline_scripts(response):
    """Scripts that would need 'unsafe-inline': inline code without a nonce, or event handler
    attributes. JSON data blocks are not run, so they need nothing."""
    soup = BeautifulSoup(response.content, "html.parser")
    found = [
        str(tag)[:80]
        for tag in soup.find_all("script")
        if not tag.get("src") and not tag.get("nonce") and tag.get("type") != "application/json"
    ]
    found += [
        f"{tag.name} {name}" for tag in soup.find_all(True) for name in tag.attrs if name.startswith("on")
    ]
    found += [tag.get("href") for tag in soup.find_all(href=True) if tag["href"].startswith("javascript:")]
    return found


def public_pages():
    return [
        "/",
        ChapterPage.objects.live().first().url,
        "/search/?q=grooming",
        "/accounts/register/",
        "/accounts/sign-in/",
        "/accounts/password-reset/",
        "/certificates/verify/",
        "/practice/traffic-light/",
        "/practice/traffic-light/5-9/",
    ]


def test_public_pages_allow_no_inline_script_and_have_none(client):
    for url in public_pages():
        response = client.get(url)
        assert response.status_code == 200, url
        assert "'unsafe-inline'" not in script_sources(response), url
        assert "'self'" in script_sources(response), url
        assert inline_scripts(response) == [], url


def test_a_learners_pages_and_a_quiz_attempt_have_no_inline_script(client):
    learner, course, quiz, _ = ready_for_quiz()
    client.force_login(learner)
    attempt_page = client.post(f"/quizzes/{quiz.slug}/start/", follow=True)
    assert "/quizzes/attempts/" in attempt_page.redirect_chain[-1][0]
    for response in [attempt_page, client.get("/my/"), client.get("/accounts/profile/"), client.get(course.url)]:
        assert response.status_code == 200, response.request["PATH_INFO"]
        assert "'unsafe-inline'" not in script_sources(response)
        assert inline_scripts(response) == []


def test_only_wagtails_admin_keeps_inline_scripts_for_its_own_widgets(client):
    admin = get_user_model().objects.create_superuser("csp-admin@example.org", "csp-admin@example.org", "x")
    client.force_login(admin)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "'unsafe-inline'" in script_sources(response)
