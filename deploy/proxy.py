"""A small reverse proxy for the production stack on one machine: what nginx or a load
balancer does in front of the gunicorn processes, no more.

    python -m deploy.proxy --listen 127.0.0.1:8140 --upstream 127.0.0.1:8141 --upstream 127.0.0.1:8142

Requests go to the upstreams in turn. Like nginx's `$proxy_add_x_forwarded_for`, it appends
the address the connection came from to whatever `X-Forwarded-For` the visitor sent, which is
the entry the site reads with `TRUSTED_PROXY_COUNT=1` (cms/client_address.py); anything the
visitor wrote in front of it is ignored there. Responses stream through as they arrive, so a
long download holds no more than a chunk here.
"""

import argparse
import itertools
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

# Hop-by-hop headers (RFC 9110 section 7.6.1) belong to one connection and are not passed on.
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
}


def handler_for(upstreams):
    turns = itertools.cycle(upstreams)
    turn_lock = threading.Lock()

    class Proxy(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self):
            """One upstream client for each visitor's connection (each has its own thread)."""
            super().setup()
            self.upstream_client = httpx.Client(timeout=120, follow_redirects=False)

        def finish(self):
            try:
                super().finish()
            finally:
                self.upstream_client.close()

        def log_message(self, format, *args):
            """Quiet: the load test counts every request itself."""

        def _forward(self):
            with turn_lock:
                upstream = next(turns)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            not_passed_on = HOP_BY_HOP | {"x-forwarded-for"}
            headers = [(k, v) for k, v in self.headers.items() if k.lower() not in not_passed_on]
            forwarded, client = self.headers.get("X-Forwarded-For"), self.client_address[0]
            headers.append(("X-Forwarded-For", f"{forwarded}, {client}" if forwarded else client))
            request = self.upstream_client.build_request(
                self.command, f"http://{upstream}{self.path}", headers=headers, content=body
            )
            try:
                response = self.upstream_client.send(request, stream=True)
            except httpx.HTTPError:
                self.send_error(502, "The site did not answer")
                return
            try:
                self.send_response(response.status_code, response.reason_phrase)
                for name, value in response.headers.multi_items():
                    if name.lower() not in HOP_BY_HOP and name.lower() != "content-length":
                        self.send_header(name, value)
                bodiless = self.command == "HEAD" or response.status_code in (204, 304)
                if not bodiless:
                    self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                if not bodiless:
                    for chunk in response.iter_raw():
                        if chunk:
                            self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    self.wfile.write(b"0\r\n\r\n")
            finally:
                response.close()

        do_GET = do_POST = do_HEAD = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _forward

    return Proxy


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--listen", required=True, help="host:port to listen on")
    parser.add_argument("--upstream", action="append", required=True, help="host:port of a gunicorn")
    options = parser.parse_args()
    host, port = options.listen.rsplit(":", 1)
    server = ThreadingHTTPServer((host, int(port)), handler_for(options.upstream))
    server.daemon_threads = True
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
