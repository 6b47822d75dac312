"""The anonymous page cache (cms/page_cache.py): the second anonymous visitor is served
without a database query, a published change shows at once, and nobody signed in or
holding a form ever shares a copy."""

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.template import RequestContext, Template
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import path

from cms import page_cache
from cms import urls as site_urls
from cms.models import ChapterPage, Helpline
from tests.factories import make_learner

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 600
    settings.PAGE_CACHE_BROWSER_SECONDS = 60


def chapter():
    return ChapterPage.objects.live().order_by("path").first()


def title_of(response):
    return BeautifulSoup(response.content, "html.parser").select_one("h1").get_text(strip=True)


def test_the_second_anonymous_visit_makes_no_database_query(client):
    url = chapter().url
    first = client.get(url)
    with CaptureQueriesContext(connection) as queries:
        second = Client().get(url)
    assert first.status_code == second.status_code == 200
    assert len(queries) == 0, [q["sql"] for q in queries]
    assert second.content == first.content
    for response in (first, second):
        assert sorted(response["Cache-Control"].split(", ")) == ["max-age=60", "public"]
        assert "Cookie" in response["Vary"]  # so no browser or proxy hands it to someone signed in
        assert not response.cookies


def test_a_change_that_was_not_published_is_not_seen_until_it_is(client, django_capture_on_commit_callbacks):
    page = chapter()
    original = title_of(client.get(page.url))
    # Written behind Wagtail's back (no signal): the cache keeps serving what it has, which
    # shows that the page below comes from the cache until the publish purges it.
    ChapterPage.objects.filter(pk=page.pk).update(title="Renamed without publishing")
    assert title_of(Client().get(page.url)) == original

    page = ChapterPage.objects.get(pk=page.pk)
    page.title = "Renamed and published"
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    assert title_of(Client().get(page.url)) == "Renamed and published"


def test_publishing_a_helpline_shows_on_the_chapters_that_list_it(client, django_capture_on_commit_callbacks):
    helpline = Helpline.objects.filter(live=True).order_by("pk").first()
    pages = [p for p in ChapterPage.objects.live() if helpline.number in client.get(p.url).content.decode()]
    assert pages, "the shipped toolkit lists every helpline on some chapter"
    helpline.description = "Open every day of the year, cache test."
    with django_capture_on_commit_callbacks(execute=True):
        helpline.save_revision().publish()
    for page in pages:
        assert "Open every day of the year, cache test." in Client().get(page.url).content.decode()


def test_unpublishing_a_page_removes_it_for_the_next_visitor(client, django_capture_on_commit_callbacks):
    page = chapter()
    assert client.get(page.url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        page.unpublish()
    assert Client().get(page.url).status_code == 404


def test_a_signed_in_visitor_never_gets_nor_leaves_a_copy():
    url = chapter().url
    learner = make_learner("housing", first_name="Signed", last_name="In")
    signed_in = Client()
    signed_in.force_login(learner)

    first = signed_in.get(url)  # before any anonymous visit: it must not fill the cache
    assert b"Sign out" in first.content
    assert "public" not in first.get("Cache-Control", "")
    anonymous = Client().get(url)
    assert b"Sign out" not in anonymous.content
    assert b"Sign in" in anonymous.content

    with CaptureQueriesContext(connection) as queries:
        again = signed_in.get(url)  # after the anonymous copy exists: it is not served to her
    assert b"Sign out" in again.content
    assert len(queries) > 0


def test_a_password_protected_page_is_never_kept(client):
    from wagtail.models import PageViewRestriction

    page = chapter()
    PageViewRestriction.objects.create(page=page, restriction_type="password", password="open-sesame")
    forms = [Client().get(page.url) for _ in range(2)]
    tokens = [BeautifulSoup(r.content, "html.parser").select_one("[name=csrfmiddlewaretoken]")["value"] for r in forms]
    assert all(r.status_code == 200 for r in forms)
    assert tokens[0] != tokens[1]
    assert all("public" not in r.get("Cache-Control", "") for r in forms)


def form_page(request):
    """A page that would be kept (the hook marked it) but carries a form with a CSRF token."""
    page_cache.mark_cacheable(chapter(), request)
    from django.http import HttpResponse

    return HttpResponse(Template('<form method="post">{% csrf_token %}</form>').render(RequestContext(request)))


urlpatterns = [path("form/", form_page), *site_urls.urlpatterns]  # the site's own after it


def test_a_page_with_a_csrf_token_is_never_served_with_someone_elses(settings):
    settings.ROOT_URLCONF = __name__
    responses = [Client().get("/form/") for _ in range(2)]
    tokens = [BeautifulSoup(r.content, "html.parser").select_one("[name=csrfmiddlewaretoken]")["value"] for r in responses]
    assert tokens[0] != tokens[1]
    assert all(settings.CSRF_COOKIE_NAME in r.cookies for r in responses)
    assert all("public" not in r.get("Cache-Control", "") for r in responses)


def test_a_visitor_with_a_message_waiting_gets_the_page_with_her_message(client):
    from django.contrib.messages import constants
    from django.contrib.messages.storage.base import Message
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpRequest

    url = chapter().url
    client.get(url)  # the anonymous copy exists
    storage = CookieStorage(HttpRequest())
    reader = Client()
    reader.cookies[storage.cookie_name] = storage._encode([Message(constants.SUCCESS, "You have signed out.")])
    assert b"You have signed out." in reader.get(url).content
    assert b"You have signed out." not in Client().get(url).content


def test_the_purge_command_starts_afresh(client):
    from django.core.management import call_command

    page = chapter()
    client.get(page.url)
    ChapterPage.objects.filter(pk=page.pk).update(title="Renamed by a deploy")
    call_command("purge_page_cache", stdout=None)
    assert title_of(Client().get(page.url)) == "Renamed by a deploy"


def test_off_when_page_cache_seconds_is_zero(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    url = chapter().url
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = Client().get(url)
    assert len(queries) > 0
    assert "public" not in response.get("Cache-Control", "")
