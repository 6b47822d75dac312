"""How often each search was made, counted in the cache and written to Wagtail's query
statistics (Query and QueryDailyHits, the "Promoted search results" report) later.

Counting in the search request cost a database write per search, and every search for the
same words on a day updated one row. The request now appends (London day, words) to a queue
kept in the shared cache: a counter numbers each search and the search is kept under its
number. `manage.py count_searches`, run every few minutes, adds the queued searches to the
statistics in one transaction and empties the queue; a second run while one holds the lock
does nothing, so no search is counted twice.

What the cache may lose, the statistics lose too: a search queued in the instant between its
number and its entry as a run reads the queue, searches older than a week that no run
collected, and everything queued if the cache is emptied.
"""

from collections import Counter

from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from wagtail.contrib.search_promotions.models import Query, QueryDailyHits

LAST_KEY = "search-hits:last"  # the number of the latest search queued
COUNTED_KEY = "search-hits:counted"  # the number of the latest search counted
LOCK_KEY = "search-hits:counting"
KEPT_SECONDS = 7 * 24 * 60 * 60
LOCK_SECONDS = 10 * 60
BATCH = 1000


def _entry_key(number):
    return f"search-hits:{number}"


def _key_batches(first, last):
    for start in range(first, last + 1, BATCH):
        yield [_entry_key(number) for number in range(start, min(start + BATCH, last + 1))]


def record(words):
    """Queue one search for counting; no database write."""
    try:
        number = cache.incr(LAST_KEY)
    except ValueError:  # the first search, or the cache lost the number: go on after the counted ones
        cache.add(LAST_KEY, cache.get(COUNTED_KEY, 0), timeout=None)
        number = cache.incr(LAST_KEY)
    cache.set(_entry_key(number), (timezone.localdate().isoformat(), words), KEPT_SECONDS)


def count_queued():
    """Add the queued searches to the statistics; returns how many searches were counted,
    or None when another run holds the lock."""
    if not cache.add(LOCK_KEY, 1, LOCK_SECONDS):
        return None
    try:
        last = cache.get(LAST_KEY, 0)
        counted = cache.get(COUNTED_KEY, 0)
        hits = Counter()
        for keys in _key_batches(counted + 1, last):
            hits.update(tuple(entry) for entry in cache.get_many(keys).values())
        with transaction.atomic():
            for (day, words), count in hits.items():
                daily, _ = QueryDailyHits.objects.get_or_create(query=Query.get(words), date=day)
                QueryDailyHits.objects.filter(pk=daily.pk).update(hits=F("hits") + count)
        cache.set(COUNTED_KEY, last, timeout=None)
        for keys in _key_batches(counted + 1, last):
            cache.delete_many(keys)
        return hits.total()
    finally:
        cache.delete(LOCK_KEY)
