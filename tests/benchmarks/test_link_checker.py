"""The link checker on 5,000 distinct URLs over 50 local sites, at the configured limits.

    make bench

Each site (a server on 127.0.0.1, its own host:port, so its own per-site limits) answers
after 20 to 80 ms, like a nearby web server; 100 URLs each, a realistic mix of working,
moved, broken and HEAD-refusing pages. The run uses the production limits (20 requests at
once, 2 per site, 0.5 s between requests to a site, 10 s timeout), checks and saves every
Link, and prints the elapsed time, URLs per second, and a projection for 5,000 real URLs.

Target: well within one cron interval (the check runs daily: 24 hours). The local run is
bound by the per-site pause (100 URLs x 0.5 s = about 50 s a site, sites in parallel).
"""

import time

import pytest
from django.conf import settings as django_settings

from links.checker import check_links
from links.models import Link, Status
from tests.links.conftest import LinkServer

pytestmark = pytest.mark.django_db
URLS = 5000
SITES = 50
CRON_INTERVAL = 24 * 60 * 60
PATHS = ["/ok"] * 14 + ["/moved", "/temp", "/gone", "/head-not-allowed", "/error", "/forbidden"]
EXPECTED = {
    "/ok": Status.WORKING,
    "/moved": Status.REDIRECTED,
    "/temp": Status.WORKING,
    "/gone": Status.BROKEN,
    "/head-not-allowed": Status.WORKING,
    "/error": Status.BROKEN,
    "/forbidden": Status.BLOCKED,
}

# For the projection: what real sites are like (a TLS handshake and a response from a
# server that may be far away), and a share of them that never answer.
REAL_SECONDS_PER_REQUEST = 1.0
REAL_TIMED_OUT_SHARE = 0.05
REAL_URLS_ON_BUSIEST_SITE = 500  # e.g. a tenth of all links on gov.uk


def projected_seconds(urls):
    timeout = django_settings.LINK_CHECK_TIMEOUT
    mean = (1 - REAL_TIMED_OUT_SHARE) * REAL_SECONDS_PER_REQUEST + REAL_TIMED_OUT_SHARE * timeout
    # a HEAD refused then a GET: count one request in ten twice
    requests_per_url = 1.1
    overall = urls * requests_per_url * mean / django_settings.LINK_CHECK_CONCURRENCY
    busiest = REAL_URLS_ON_BUSIEST_SITE * max(
        django_settings.LINK_CHECK_HOST_INTERVAL, REAL_SECONDS_PER_REQUEST * requests_per_url / 2
    )
    return max(overall, busiest)


def test_five_thousand_links(settings):
    servers = [LinkServer(latency=0.02 + 0.06 * n / (SITES - 1)) for n in range(SITES)]
    try:
        settings.LINK_CHECK_ALLOWED_PRIVATE = [server.host_port for server in servers]
        urls = [servers[n % SITES].url(f"{PATHS[(n // SITES) % len(PATHS)]}?n={n}") for n in range(URLS)]
        Link.objects.bulk_create([Link(url=url) for url in urls])

        start = time.perf_counter()
        checked = check_links(Link.objects.filter(url__in=urls))
        elapsed = time.perf_counter() - start
    finally:
        for server in servers:
            server.stop()

    assert len(checked) == URLS
    wrong = [
        (link.url, link.status)
        for link in Link.objects.filter(url__in=urls)
        if link.status != EXPECTED["/" + link.url.split("/", 3)[3].split("?")[0]]
    ]
    assert wrong == []
    assert max(server.max_concurrent for server in servers) <= 2

    projected = projected_seconds(URLS)
    print(
        f"\nLink checker: {URLS:,} URLs on {SITES} local sites in {elapsed:.1f} s "
        f"({URLS / elapsed:.0f} URLs/s) at {django_settings.LINK_CHECK_CONCURRENCY} at once, "
        f"2 per site, {django_settings.LINK_CHECK_HOST_INTERVAL} s between a site's requests."
        f"\nProjected for {URLS:,} real URLs ({REAL_SECONDS_PER_REQUEST:g} s a request, "
        f"{REAL_TIMED_OUT_SHARE:.0%} timing out at {django_settings.LINK_CHECK_TIMEOUT} s, "
        f"{REAL_URLS_ON_BUSIEST_SITE} on the busiest site): {projected / 60:.0f} minutes, "
        f"{CRON_INTERVAL / projected:.0f}x within the daily cron interval; "
        f"local run {CRON_INTERVAL / elapsed:.0f}x within it."
    )
    # 10x margin at least: a daily run must finish long before the next, even on a slow day
    assert elapsed < CRON_INTERVAL / 10
    assert projected < CRON_INTERVAL / 10
    # and the engine keeps up with its own limits: each site's 100 URLs need 100 pauses of
    # 0.5 s, so about 50 s; twice that means requests are queueing somewhere they should not
    assert elapsed < 2 * (URLS / SITES) * django_settings.LINK_CHECK_HOST_INTERVAL + 10
