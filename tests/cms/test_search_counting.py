"""A search writes nothing to the database: it is queued in the cache and counted into
Wagtail's search statistics by `manage.py count_searches` (cms/search_hits.py)."""

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.contrib.search_promotions.models import QueryDailyHits

from cms import search_hits

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE")


def hits_today(words):
    row = QueryDailyHits.objects.filter(query__query_string=words, date=timezone.localdate()).first()
    return row.hits if row else 0


def count_searches():
    out = io.StringIO()
    call_command("count_searches", stdout=out)
    return out.getvalue().strip()


def test_a_search_page_writes_nothing(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/search/", {"q": "abuse"})
    assert response.status_code == 200
    assert b"search-results" in response.content
    assert [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)] == []


def test_promoted_results_still_come_first_without_a_write(client):
    """The shipped content promotes the protection procedures chapter for "SARC"."""
    response = client.get("/search/", {"q": "sarc"})
    assert b"/toolkit/protection-procedures/" in response.content


def test_the_command_counts_each_search_once(client):
    before = {words: hits_today(words) for words in ("abuse", "lado")}
    for words in ("abuse", "  ABUSE ", "abuse", "lado"):
        client.get("/search/", {"q": words})
    assert {words: hits_today(words) for words in before} == before  # nothing yet

    assert count_searches() == "Counted 4 searches."
    assert hits_today("abuse") == before["abuse"] + 3
    assert hits_today("lado") == before["lado"] + 1

    assert count_searches() == "Counted 0 searches."
    assert hits_today("abuse") == before["abuse"] + 3


def test_a_second_run_while_one_counts_does_nothing(client):
    client.get("/search/", {"q": "neglect"})
    cache.add(search_hits.LOCK_KEY, 1, 60)
    assert count_searches() == "Another run is counting searches; nothing done."
    assert hits_today("neglect") == 0
    cache.delete(search_hits.LOCK_KEY)
    assert count_searches() == "Counted 1 searches."
    assert hits_today("neglect") == 1


def test_counting_starts_again_when_the_cache_lost_its_numbering(client):
    client.get("/search/", {"q": "grooming"})
    assert count_searches() == "Counted 1 searches."
    cache.delete(search_hits.LAST_KEY)  # evicted; the count of what was counted survives
    client.get("/search/", {"q": "grooming"})
    assert count_searches() == "Counted 1 searches."
    assert hits_today("grooming") == 2
