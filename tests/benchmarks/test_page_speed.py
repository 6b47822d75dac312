"""How much a real chapter costs compared with a bare Wagtail page.

Run with `make bench`. Prints median times and the ratio; the assertion only guards
against a page becoming pathologically slow (for example a query per block).
"""

import statistics
import time

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
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


CACHE_ROUNDS = 200


def test_anonymous_chapter_with_the_page_cache_against_without(client):
    """The page cache (cms/page_cache.py) against rendering: a chapter served from the cache
    against the same chapter rendered (target >= 10x), and against a bare page served from
    the cache (target >= 0.9x: the chapter's content costs nothing once cached). Measured
    interleaved, one request of each kind per round, medians compared. The cache is turned on
    and off by assigning the setting inside one override: the `settings` fixture would send
    setting_changed each time, whose receivers make the next request pay for resets."""
    chapter = ChapterPage.objects.live().order_by("path").first().url
    bare = bare_page().url
    kinds = {
        "chapter, cached": (chapter, 600),
        "chapter, rendered": (chapter, 0),
        "bare page, cached": (bare, 600),
        "bare page, rendered": (bare, 0),
    }
    times = {kind: [] for kind in kinds}
    queries = {}
    with override_settings(PAGE_CACHE_SECONDS=0):
        for kind, (url, seconds) in kinds.items():
            settings.PAGE_CACHE_SECONDS = seconds
            client.get(url)  # warm: the cached kinds are now in the cache
            with CaptureQueriesContext(connection) as captured:
                client.get(url)
            queries[kind] = len(captured)
        for _ in range(CACHE_ROUNDS):
            for kind, (url, seconds) in kinds.items():
                settings.PAGE_CACHE_SECONDS = seconds
                start = time.perf_counter()
                response = client.get(url)
                times[kind].append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200
    median = {kind: statistics.median(values) for kind, values in times.items()}
    print(f"\n{'anonymous request (' + connection.vendor + ')':30} {'median ms':>10} {'queries':>8}")
    for kind in kinds:
        print(f"{kind:30} {median[kind]:10.2f} {queries[kind]:8}")
    speed_up = median["chapter, rendered"] / median["chapter, cached"]
    against_bare = median["bare page, cached"] / median["chapter, cached"]
    against_bare_rendered = median["bare page, rendered"] / median["chapter, cached"]
    print(f"chapter cached vs rendered: {speed_up:.1f}x faster (target >= 10x)")
    print(f"chapter cached vs bare page cached: {against_bare:.2f}x (target >= 0.9x)")
    print(f"chapter cached vs bare page rendered: {against_bare_rendered:.1f}x faster")
    assert queries["chapter, cached"] == 0
    assert speed_up >= 10
    assert against_bare >= 0.9
