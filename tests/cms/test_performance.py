"""Query counts of public pages stay the same however much content a page holds."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_chapter, make_resources

pytestmark = pytest.mark.django_db


def queries_for(client, url):
    client.get(url)  # warm caches that are not per-request (site root, content types)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_chapter_query_count_does_not_grow_with_its_resources(client, django_assert_max_num_queries):
    small = make_chapter("Three resources", resources=make_resources(3))
    large = make_chapter("Thirty resources", resources=make_resources(30))
    assert queries_for(client, small.url) == queries_for(client, large.url)
    with django_assert_max_num_queries(12):
        client.get(large.url)


def test_shipped_pages_have_bounded_query_counts(client, django_assert_max_num_queries):
    for url in ["/", "/toolkit/", "/toolkit/protection-procedures/", "/toolkit/victims-and-survivors/"]:
        with django_assert_max_num_queries(14):
            assert client.get(url).status_code == 200


def test_search_query_count_does_not_grow_with_results(client):
    for _ in range(2):
        make_chapter("Zebracrossing chapter", search_terms="zebracrossing")
    few = queries_for(client, "/search/?q=zebracrossing")
    for _ in range(10):
        make_chapter("Zebracrossing chapter", search_terms="zebracrossing")
    many = queries_for(client, "/search/?q=zebracrossing")
    assert few == many
