"""Checks external links the way a careful visitor would, and never anywhere it should not go.

Why httpx rather than django-linkcheck: we read django-linkcheck's `linkcheck/models.py`
(DjangoAdminHackers/django-linkcheck, commit efef5cc) before choosing. It checks one URL at
a time with `requests` (synchronous), hands redirects to requests (`allow_redirects=True`)
so every hop is fetched before anything looks at where it leads, turns certificate
checking off (`verify=False`), and has no guard against private addresses: a link (or a
redirect) to 127.0.0.1, 10.x or 169.254.169.254 would be fetched from inside our network
(server-side request forgery). It has no per-site rate limit either, and it brings its own
models and admin where ours sit in `links.models` and Wagtail's reference index. httpx
is a well-kept client with an async API: one `AsyncClient` checks thousands of links
concurrently within global and per-site limits, and with redirects followed by hand
every hop is vetted before a request is sent.

The guard resolves each host and refuses it when any of its addresses is not a public one.
A DNS server that answers differently a moment later (DNS rebinding) could still slip
past it: the answer httpx gets is not the one we checked. What such a request could learn
is limited to a status code, which is all we store.
"""

import asyncio
import ipaddress
import logging
import socket
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import FAILING, Link, Status

logger = logging.getLogger(__name__)
MAX_REDIRECTS = 5
PER_HOST_CONCURRENCY = 2
PERMANENT = (301, 308)
TEMPORARY = (302, 303, 307)
HEAD_REFUSED = (403, 405, 501)  # sites that answer HEAD with these often answer GET properly
BLOCKED = (403, 429)


def user_agent():
    return f"SafeguardingLearningHub-LinkChecker/1.0 (+{settings.WAGTAILADMIN_BASE_URL})"


@dataclass
class Result:
    status: str
    http_code: int | None = None
    final_url: str = ""
    error: str = ""


class Refused(Exception):
    """The address is one the checker must not fetch; nothing was sent."""


class NotFound(Exception):
    """The host name does not resolve."""


def _host_key(url):
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"{parts.hostname}:{port}"


def _is_public(address):
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone ("fe80::1%eth0")
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


async def vet(url):
    """Raise Refused unless `url` is http(s) on a host whose every address is public (or is
    one of LINK_CHECK_ALLOWED_PRIVATE), NotFound when the host does not resolve, ValueError
    when it is not a well-formed address."""
    parts = urlsplit(url)  # ValueError, for a malformed address, makes the link broken
    parts.port  # noqa: B018  (raises ValueError on a port that is not a number)
    if parts.scheme not in ("http", "https"):
        raise Refused(f"Not a web address ({parts.scheme or 'no'}: scheme)")
    host = parts.hostname
    if not host:
        raise Refused("No host name")
    if _host_key(url) in settings.LINK_CHECK_ALLOWED_PRIVATE:
        return
    if host == "localhost" or host.endswith(".localhost"):
        raise Refused(f"Private address ({host})")
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError):
            raise NotFound() from None
        addresses = {info[4][0] for info in infos}
    for address in addresses:
        if not _is_public(str(address)):
            raise Refused(f"Private address ({host})")


class _Host:
    """Limits for one site: at most two requests at once, a pause between starts."""

    def __init__(self):
        self.slots = asyncio.Semaphore(PER_HOST_CONCURRENCY)
        self.lock = asyncio.Lock()
        self.next_start = 0.0


class Checker:
    def __init__(self, client, concurrency, host_interval, timeout):
        self.client = client
        self.slots = asyncio.Semaphore(concurrency)
        self.host_interval = host_interval
        self.timeout = timeout
        self.hosts = {}

    async def request(self, method, url):
        host = self.hosts.setdefault(_host_key(url), _Host())
        async with host.slots:
            async with host.lock:
                wait = host.next_start - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                host.next_start = time.monotonic() + self.host_interval
            async with self.slots:
                async with asyncio.timeout(self.timeout):
                    response = await self.client.send(self.client.build_request(method, url), stream=True)
                    await response.aclose()  # the status is all we need; never read a body
                    return response

    async def fetch(self, url):
        """HEAD, or GET when the site refuses HEAD."""
        try:
            response = await self.request("HEAD", url)
        except (TimeoutError, httpx.TimeoutException, httpx.ConnectError):
            raise
        except httpx.HTTPError:
            return await self.request("GET", url)
        if response.status_code in HEAD_REFUSED:
            return await self.request("GET", url)
        return response

    async def check(self, url):
        seen = {url}
        current = url
        permanent = True
        try:
            for _hop in range(MAX_REDIRECTS + 1):
                await vet(current)
                response = await self.fetch(current)
                code = response.status_code
                location = response.headers.get("location")
                if code in PERMANENT + TEMPORARY and location:
                    permanent = permanent and code in PERMANENT
                    current = urljoin(current, location.strip())
                    if current in seen:
                        return Result(Status.BROKEN, code, error="Redirect loop")
                    seen.add(current)
                    continue
                return self.result(url, current, code, permanent)
            return Result(Status.BROKEN, code, error=f"Redirect loop (more than {MAX_REDIRECTS} redirects)")
        except Refused as refusal:
            via = "" if current == url else " after a redirect"
            return Result(Status.REFUSED, error=f"{refusal}{via}: not checked")
        except NotFound:
            return Result(Status.BROKEN, error="Address not found")
        except (TimeoutError, httpx.TimeoutException):
            return Result(Status.TIMED_OUT, error=f"No answer within {self.timeout:g} seconds")
        except httpx.ConnectError:
            return Result(Status.BROKEN, error="Could not connect to the website")
        except httpx.HTTPError as error:
            return Result(Status.BROKEN, error=f"{type(error).__name__}: {error}"[:300])
        except (httpx.InvalidURL, ValueError, UnicodeError):
            return Result(Status.BROKEN, error="Not a valid web address")
        except Exception:  # one odd link must not stop the other 4,999 being checked
            logger.exception("Checking %s failed", url)
            return Result(Status.BROKEN, error="The check failed (see the server log)")

    @staticmethod
    def result(url, final, code, permanent):
        if 200 <= code < 300:
            if final != url and permanent:
                return Result(Status.REDIRECTED, code, final_url=final)
            return Result(Status.WORKING, code)
        if code in BLOCKED:
            return Result(Status.BLOCKED, code, error="The website refused the checker")
        if 400 <= code < 600:
            return Result(Status.BROKEN, code, error=f"The website answered {code}")
        return Result(Status.BROKEN, code, error=f"Unexpected answer {code}")


async def check_urls(urls):
    """{url: Result} for each URL, checked concurrently within the configured limits."""
    timeout = float(settings.LINK_CHECK_TIMEOUT)
    async with httpx.AsyncClient(
        follow_redirects=False,
        timeout=timeout,
        headers={"User-Agent": user_agent(), "Accept": "*/*"},
        limits=httpx.Limits(max_connections=settings.LINK_CHECK_CONCURRENCY),
        trust_env=False,  # no proxy from the environment: the guard must see where requests go
    ) as client:
        checker = Checker(
            client, settings.LINK_CHECK_CONCURRENCY, float(settings.LINK_CHECK_HOST_INTERVAL), timeout
        )
        results = await asyncio.gather(*(checker.check(url) for url in urls))
    return dict(zip(urls, results, strict=True))


def apply(link, result, checked_at):
    """Record a result on the link; `failing_since` keeps the first failure of a run."""
    link.status = result.status
    link.http_code = result.http_code
    link.final_url = result.final_url
    link.error = result.error
    link.last_checked = checked_at
    if result.status in FAILING:
        link.failing_since = link.failing_since or checked_at
    else:
        link.failing_since = None


def check_links(links):
    """Check each Link (a queryset or a list) and save its result; returns the links."""
    links = list(links)
    results = asyncio.run(check_urls([link.url for link in links]))
    checked_at = timezone.now()
    for link in links:
        apply(link, results[link.url], checked_at)
    with transaction.atomic():
        Link.objects.bulk_update(
            links,
            ["status", "http_code", "final_url", "error", "last_checked", "failing_since"],
            batch_size=500,
        )
    return links


def check_url_now(url):
    """Check one URL at once (the "check again" button, a resource just saved) -> its Link."""
    link, _ = Link.objects.get_or_create(url=url)
    check_links([link])
    return link
