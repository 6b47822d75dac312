"""How much a real chapter costs compared with a bare Wagtail page.

Run with `make bench`. Prints median times and the ratio; the assertion only guards
against a page becoming pathologically slow (for example a query per block).
"""

import statistics
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page

from cms.models import ChapterPage, ToolkitIndexPage

pytestmark = pytest.mark.django_db

ROUNDS = 30


def median_ms(client, url):
    client.get(url)
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(times), len(queries)


def bare_page():
    """A page with a title and nothing else, rendered by the same base template."""
    toolkit = ToolkitIndexPage.objects.get()
    page = ChapterPage(title="Bare page", slug="bare-benchmark-page", source="-", body=[])
    toolkit.add_child(instance=page)
    page.save_revision().publish()
    return Page.objects.get(pk=page.pk)


def test_chapter_pages_against_a_bare_page(client):
    bare_ms, bare_queries = median_ms(client, bare_page().url)
    print(f"\n{'page':45} {'median ms':>10} {'queries':>8} {'x bare':>7}")
    print(f"{'bare chapter (title only)':45} {bare_ms:10.1f} {bare_queries:8} {1:7.1f}")
    for chapter in ChapterPage.objects.live().exclude(slug="bare-benchmark-page"):
        ms, queries = median_ms(client, chapter.url)
        print(f"{chapter.slug:45} {ms:10.1f} {queries:8} {ms / bare_ms:7.1f}")
        assert ms / bare_ms < 25
    for url in ["/", "/toolkit/", "/search/?q=abuse"]:
        ms, queries = median_ms(client, url)
        print(f"{url:45} {ms:10.1f} {queries:8} {ms / bare_ms:7.1f}")
