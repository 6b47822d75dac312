"""Real HTTP servers on 127.0.0.1 for the link checker: no test ever reaches the internet.

`link_server` is a server the checker is allowed to fetch (its "host:port" is added to
LINK_CHECK_ALLOWED_PRIVATE) with these paths:

    /ok                200
    /moved             301 -> /ok
    /moved-twice       301 -> /moved
    /temp              302 -> /ok
    /gone              404
    /error             500
    /slow              sleeps `slow_seconds` (longer than the test timeout), then 200
    /loop              301 -> /loop
    /private           301 -> the `private_server` (127.0.0.1 on a port not allowed)
    /metadata          301 -> http://169.254.169.254/ (the cloud metadata address)
    /file              301 -> file:///etc/passwd
    /head-not-allowed  405 on HEAD, 200 on GET
    /forbidden         403
    /busy              429

`server.set(path, code, location=None)` changes or adds a path mid-test (a link that breaks
and recovers). Each server records every request (`hits`: (method, path) pairs) and the
most requests it was serving at once (`max_concurrent`) and each User-Agent (`user_agents`);
`latency` delays every answer.
`http_servers(count, latency)` starts more (the benchmark's fifty hosts).
"""

import http.server
import threading
import time

import pytest


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "TestServer/1.0"

    def log_message(self, format, *args):
        pass

    def do_HEAD(self):
        self._answer(send_body=False)

    def do_GET(self):
        self._answer(send_body=True)

    def _answer(self, send_body):
        server = self.server
        path = self.path.split("?", 1)[0]
        with server.lock:
            server.hits.append((self.command, path))
            server.user_agents.append(self.headers.get("User-Agent"))
            server.concurrent += 1
            server.max_concurrent = max(server.max_concurrent, server.concurrent)
        try:
            if server.latency:
                time.sleep(server.latency)
            code, location = server.routes.get(path, (404, None))
            if path == "/slow":
                time.sleep(server.slow_seconds)
            if path == "/head-not-allowed" and self.command == "HEAD":
                code = 405
            body = b"" if code in (301, 302, 303, 307, 308) else f"{code} {path}\n".encode()
            self.send_response(code)
            if location:
                self.send_header("Location", location)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if send_body:
                self.wfile.write(body)
        finally:
            with server.lock:
                server.concurrent -= 1


class LinkServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # a /slow answer the checker gave up on does not hold up teardown
    request_queue_size = 128

    def __init__(self, latency=0.0):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.latency = latency
        self.slow_seconds = 3.0
        self.lock = threading.Lock()
        self.hits = []
        self.user_agents = []
        self.concurrent = 0
        self.max_concurrent = 0
        self.routes = {
            "/ok": (200, None),
            "/moved": (301, "/ok"),
            "/moved-twice": (301, "/moved"),
            "/temp": (302, "/ok"),
            "/gone": (404, None),
            "/error": (500, None),
            "/slow": (200, None),
            "/loop": (301, "/loop"),
            "/metadata": (301, "http://169.254.169.254/latest/meta-data/"),
            "/file": (301, "file:///etc/passwd"),
            "/head-not-allowed": (200, None),
            "/forbidden": (403, None),
            "/busy": (429, None),
            "/": (200, None),
        }
        self._thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05})
        self._thread.daemon = True
        self._thread.start()

    @property
    def host_port(self):
        return f"127.0.0.1:{self.server_address[1]}"

    def url(self, path="/"):
        return f"http://{self.host_port}{path}"

    def set(self, path, code, location=None):
        self.routes[path] = (code, location)

    def paths_hit(self):
        with self.lock:
            return [path for _, path in self.hits]

    def handle_error(self, request, client_address):
        pass  # the checker hanging up on /slow is expected, not worth a traceback

    def stop(self):
        self.shutdown()
        self.server_close()


@pytest.fixture
def http_servers(settings):
    """Start `count` servers the checker may fetch; all stop at the end of the test."""
    started = []

    def start(count=1, latency=0.0, allowed=True):
        servers = [LinkServer(latency=latency) for _ in range(count)]
        started.extend(servers)
        if allowed:
            settings.LINK_CHECK_ALLOWED_PRIVATE = [
                *getattr(settings, "LINK_CHECK_ALLOWED_PRIVATE", []),
                *(server.host_port for server in servers),
            ]
        return servers

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def private_server(http_servers):
    """A server on 127.0.0.1 the checker must never reach: it is not in the allowed list."""
    return http_servers(allowed=False)[0]


@pytest.fixture
def link_server(http_servers, private_server, settings):
    """The allowed server, with fast limits so the suite stays quick: a 0.5 s timeout
    (/slow sleeps 3 s) and no pause between requests to the same host."""
    settings.LINK_CHECK_TIMEOUT = 0.5
    settings.LINK_CHECK_HOST_INTERVAL = 0
    server = http_servers()[0]
    server.set("/private", 301, private_server.url("/"))
    return server


@pytest.fixture(autouse=True)
def _no_demo_link(request):
    """The suite's demo data (seed_demo) has one broken link; these tests count links from none."""
    if request.node.get_closest_marker("django_db"):
        from links.models import Link

        request.getfixturevalue("db")
        Link.objects.filter(url="https://example.org/moved-page").delete()
