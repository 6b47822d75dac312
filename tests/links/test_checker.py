"""The link checker against real servers on 127.0.0.1 (tests/links/conftest.py)."""

import asyncio
import io
import time
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from django_tasks import task_backends

from cms.models import Resource
from links.checker import check_links, check_url_now, check_urls, vet
from links.collect import collect
from links.models import Link, LinkUse, Status
from links.tasks import check_resource_link

pytestmark = pytest.mark.django_db


def check(url):
    return check_url_now(url)


@pytest.mark.parametrize(
    "path, status, code",
    [
        ("/ok", Status.WORKING, 200),
        ("/gone", Status.BROKEN, 404),
        ("/error", Status.BROKEN, 500),
        ("/forbidden", Status.BLOCKED, 403),
        ("/busy", Status.BLOCKED, 429),
        ("/head-not-allowed", Status.WORKING, 200),
    ],
)
def test_status_and_code(link_server, path, status, code):
    link = check(link_server.url(path))
    assert (link.status, link.http_code, link.final_url) == (status, code, "")
    assert link.last_checked is not None
    assert Link.objects.get(url=link_server.url(path)).status == status


def test_head_first_then_get_only_when_head_is_refused(link_server):
    check(link_server.url("/ok"))
    check(link_server.url("/head-not-allowed"))
    check(link_server.url("/forbidden"))
    assert link_server.hits == [
        ("HEAD", "/ok"),
        ("HEAD", "/head-not-allowed"),
        ("GET", "/head-not-allowed"),
        ("HEAD", "/forbidden"),
        ("GET", "/forbidden"),
    ]


def test_permanent_redirect_gives_the_final_address(link_server):
    link = check(link_server.url("/moved"))
    assert (link.status, link.http_code, link.final_url) == (
        Status.REDIRECTED,
        200,
        link_server.url("/ok"),
    )
    twice = check(link_server.url("/moved-twice"))
    assert (twice.status, twice.final_url) == (Status.REDIRECTED, link_server.url("/ok"))


def test_temporary_redirect_is_followed_and_working_with_no_update_offered(link_server):
    link = check(link_server.url("/temp"))
    assert (link.status, link.http_code, link.final_url) == (Status.WORKING, 200, "")
    assert link_server.paths_hit() == ["/temp", "/ok"]


def test_redirect_to_a_broken_page_is_broken(link_server):
    link_server.set("/moved-to-gone", 301, "/gone")
    link = check(link_server.url("/moved-to-gone"))
    assert (link.status, link.http_code) == (Status.BROKEN, 404)


def test_redirect_loop_and_too_many_hops(link_server):
    loop = check(link_server.url("/loop"))
    assert (loop.status, loop.error) == (Status.BROKEN, "Redirect loop")
    for n in range(7):
        link_server.set(f"/hop{n}", 301, f"/hop{n + 1}")
    link_server.set("/hop7", 200)
    chain = check(link_server.url("/hop0"))
    assert chain.status == Status.BROKEN
    assert chain.error.startswith("Redirect loop")
    # the first request and five redirects, then it gives up
    assert link_server.paths_hit() == ["/loop", "/hop0", "/hop1", "/hop2", "/hop3", "/hop4", "/hop5"]


def test_slow_site_times_out(link_server):
    link = check(link_server.url("/slow"))
    assert link.status == Status.TIMED_OUT
    assert link.http_code is None
    assert link.failing_since == link.last_checked


def test_unknown_host_is_address_not_found(link_server):
    # .invalid never resolves (RFC 6761): the resolver answers at once, no request is made
    link = check("http://no-such-host.invalid/page")
    assert (link.status, link.error) == (Status.BROKEN, "Address not found")


def test_a_malformed_address_is_broken_and_the_others_still_checked(link_server):
    urls = ["http://[not-an-ip/", "http://exa mple.org/", link_server.url("/ok")]
    results = asyncio.run(check_urls(urls))
    assert [(results[url].status, results[url].error) for url in urls] == [
        (Status.BROKEN, "Not a valid web address"),
        (Status.BROKEN, "Address not found"),
        (Status.WORKING, ""),
    ]


def test_redirect_to_a_private_address_is_refused_without_a_request(link_server, private_server):
    link = check(link_server.url("/private"))
    assert link.status == Status.REFUSED
    assert "127.0.0.1" in link.error
    metadata = check(link_server.url("/metadata"))
    assert metadata.status == Status.REFUSED
    assert "169.254.169.254" in metadata.error
    file = check(link_server.url("/file"))
    assert file.status == Status.REFUSED
    assert private_server.hits == []
    assert link_server.paths_hit() == ["/private", "/metadata", "/file"]


def test_private_addresses_are_refused_before_any_request(private_server):
    urls = [
        private_server.url("/ok"),
        "http://localhost:1/",
        "http://10.0.0.1/",
        "http://172.16.5.4/",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://224.0.0.1/",
        "http://0.0.0.0/",
        "http://[::1]/",
        "http://[fe80::1]/",
        "http://[fc00::1]/",
        "http://[::ffff:127.0.0.1]/",
        "file:///etc/passwd",
        "ftp://example.org/",
    ]
    results = asyncio.run(check_urls(urls))
    assert {url: result.status for url, result in results.items()} == {url: Status.REFUSED for url in urls}
    assert private_server.hits == []


def test_a_public_address_passes_the_guard():
    asyncio.run(vet("http://8.8.8.8/"))  # no request is made: vet only looks at the address
    asyncio.run(vet("https://[2001:4860:4860::8888]/"))


def test_failing_since_kept_while_failing_and_cleared_on_recovery(link_server):
    url = link_server.url("/flaky")
    link_server.set("/flaky", 500)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        first = check(url)
    with time_machine.travel(start + timedelta(days=1), tick=False):
        second = check(url)
    assert first.failing_since == start
    assert second.failing_since == start
    assert second.last_checked == start + timedelta(days=1)
    link_server.set("/flaky", 200)
    with time_machine.travel(start + timedelta(days=2), tick=False):
        recovered = check(url)
    assert (recovered.status, recovered.failing_since) == (Status.WORKING, None)
    assert Link.objects.get(url=url).failing_since is None


def test_user_agent_names_the_checker(link_server, settings):
    settings.WAGTAILADMIN_BASE_URL = "https://hub.example.org"
    check(link_server.url("/ok"))
    assert link_server.user_agents == ["SafeguardingLearningHub-LinkChecker/1.0 (+https://hub.example.org)"]


def test_per_host_concurrency_is_two(http_servers, settings):
    settings.LINK_CHECK_HOST_INTERVAL = 0
    busy, quiet = http_servers(count=2, latency=0.15)
    urls = [busy.url(f"/ok?n={n}") for n in range(8)] + [quiet.url("/ok")]
    results = asyncio.run(check_urls(urls))
    assert {result.status for result in results.values()} == {Status.WORKING}
    assert len(busy.hits) == 8
    assert busy.max_concurrent == 2
    assert quiet.max_concurrent == 1


def test_global_concurrency_limit(http_servers, settings):
    settings.LINK_CHECK_HOST_INTERVAL = 0
    settings.LINK_CHECK_CONCURRENCY = 3
    servers = http_servers(count=6, latency=0.3)
    started = time.monotonic()
    asyncio.run(check_urls([server.url("/ok") for server in servers]))
    # six hosts, one request each, three at a time: two rounds of 0.3 s (one round if unlimited)
    assert time.monotonic() - started >= 0.6


def test_per_host_interval_spaces_requests(http_servers, settings):
    settings.LINK_CHECK_HOST_INTERVAL = 0.2
    (server,) = http_servers()
    started = time.monotonic()
    asyncio.run(check_urls([server.url(f"/ok?n={n}") for n in range(4)]))
    # four requests to one host: three pauses of at least 0.2 s between their starts
    assert time.monotonic() - started >= 0.6


def test_check_links_saves_every_link(link_server):
    urls = [link_server.url(path) for path in ("/ok", "/gone", "/moved")]
    for url in urls:
        Link.objects.create(url=url)
    check_links(Link.objects.filter(url__in=urls))
    assert dict(Link.objects.filter(url__in=urls).values_list("url", "status")) == {
        urls[0]: Status.WORKING,
        urls[1]: Status.BROKEN,
        urls[2]: Status.REDIRECTED,
    }


def make_resource(url):
    return Resource.objects.create(
        key=f"link-test-{Resource.objects.count()}", title="Test", url=url, live=True
    )


def test_command_checks_links_due_and_failing(link_server):
    on_site = collect()
    # the shipped content's links were checked a moment ago, so no request leaves the machine
    Link.objects.update(status=Status.WORKING, last_checked=timezone.now())
    recent, failing, old = (link_server.url(path) for path in ("/head-not-allowed", "/gone", "/moved"))
    for url in (recent, failing, old):
        make_resource(url)
    two_hours_ago = timezone.now() - timedelta(hours=2)
    Link.objects.create(url=recent, status=Status.WORKING, last_checked=two_hours_ago)
    Link.objects.create(
        url=failing, status=Status.BROKEN, last_checked=two_hours_ago, failing_since=two_hours_ago
    )
    Link.objects.create(url=old, status=Status.WORKING, last_checked=timezone.now() - timedelta(hours=30))

    out = io.StringIO()
    call_command("check_links", stdout=out)

    assert sorted(link_server.paths_hit()) == ["/gone", "/moved", "/ok"]  # /ok: where /moved leads
    assert out.getvalue().splitlines() == [
        f"{on_site + 3} links on the site; 2 checked.",
        "  Moved permanently: 1",
        "  Broken: 1",
    ]
    assert Link.objects.get(url=failing).failing_since == two_hours_ago
    assert Link.objects.get(url=old).final_url == link_server.url("/ok")
    assert LinkUse.objects.filter(link__url=old, field="link").count() == 1


def test_command_url_checks_one_address(link_server):
    out = io.StringIO()
    call_command("check_links", url=link_server.url("/moved"), stdout=out)
    assert (
        out.getvalue().strip()
        == f"{link_server.url('/moved')}: Moved permanently (200): {link_server.url('/ok')}"
    )
    for bad in ("javascript:alert(1)", "file:///etc/passwd", "not a url"):
        with pytest.raises(CommandError, match="Not a web address"):
            call_command("check_links", url=bad)
    assert list(Link.objects.values_list("url", flat=True).filter(url__startswith="http://127.0.0.1")) == [
        link_server.url("/moved")
    ]


def test_saving_a_resource_checks_its_link_in_the_background(link_server, django_capture_on_commit_callbacks):
    backend = task_backends["links"]
    backend.clear()
    with django_capture_on_commit_callbacks(execute=True):
        resource = make_resource(link_server.url("/gone"))
    assert link_server.hits == []  # enqueued, not run: the tests' "links" backend runs nothing
    (result,) = backend.results
    assert result.task.name == check_resource_link.name
    assert result.args == [link_server.url("/gone"), resource.pk]
    assert check_resource_link.call(*result.args) == Status.BROKEN
    link = Link.objects.get(url=link_server.url("/gone"))
    assert (link.status, link.http_code) == (Status.BROKEN, 404)
    assert [(use.content_object, use.field) for use in link.uses.all()] == [(resource, "link")]


def test_a_draft_link_is_checked_but_not_recorded_as_published(
    link_server, django_capture_on_commit_callbacks
):
    resource = make_resource(link_server.url("/ok"))
    task_backends["links"].clear()
    resource.url = link_server.url("/gone")
    with django_capture_on_commit_callbacks(execute=True):
        resource.save_revision()
    (result,) = task_backends["links"].results
    assert result.args == [link_server.url("/gone"), resource.pk]
    assert check_resource_link.call(*result.args) == Status.BROKEN
    assert not LinkUse.objects.filter(link__url=link_server.url("/gone")).exists()
    assert Resource.objects.get(pk=resource.pk).url == link_server.url("/ok")
