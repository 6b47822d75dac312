"""Whatever a learner's name says, the PDF renderer fetches nothing and runs nothing."""

import http.server
import io
import threading
import uuid
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from pypdf import PdfReader

from certificates.models import Certificate
from certificates.rendering import render_pdf
from cms.pdf import confined_link

pytestmark = pytest.mark.django_db


@pytest.fixture
def listener():
    """A real HTTP server on 127.0.0.1 that counts every request it receives."""
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body { color: red; }")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()


def payloads(base, marker):
    return [
        f'<img src="{base}/img.png">',
        f'<link rel="stylesheet" href="{base}/style.css">',
        "file:///etc/passwd",
        '<img src="file:///etc/passwd">',
        "../../etc/passwd",
        '<img src="../../../../etc/passwd">',
        f"<style>@import url({base}/import.css);</style>",
        f'<p style="background-image: url({base}/bg.png)">x</p>',
        f'<pdf:font name="evil" src="{base}/font.ttf"/>',
        # A ReportLab colour-expression payload (CVE-2023-33733 style).
        f"<font color=\"[[[getattr(pow, Word('__globals__'))['os'].system('touch {marker}') for Word in "
        "[orgTypeFun('Word', (str,), {'mutated': 1, 'startswith': lambda self, x: False, "
        "'__eq__': lambda self, x: self.mutate() and self.mutated < 0 and str(self) == x, "
        "'mutate': lambda self: {setattr(self, 'mutated', self.mutated - 1)}, "
        "'__hash__': lambda self: hash(str(self))})]] for orgTypeFun in [type(type(1))]] and 'red'\">x</font>",
    ]


def test_hostile_names_fetch_nothing_read_nothing_and_run_nothing(complete, listener, tmp_path):
    base, hits = listener
    import urllib.request

    urllib.request.urlopen(base + "/listening", timeout=5).read()
    assert hits == ["/listening"]  # the server really counts requests
    hits.clear()
    marker = tmp_path / f"pwned-{uuid.uuid4().hex}"
    certificate = complete().certificate
    passwd = Path("/etc/passwd").read_text().splitlines()[0]
    for payload in payloads(base, marker):
        certificate.holder_name = payload
        pdf = PdfReader(io.BytesIO(render_pdf(certificate)))
        text = pdf.pages[0].extract_text()
        assert passwd not in text
        assert len(pdf.pages) == 1
    assert hits == []
    assert not marker.exists()


def test_a_hostile_name_arriving_by_another_path_prints_as_text(complete):
    completion = complete()
    user = completion.learner
    get_user_model().objects.filter(pk=user.pk).update(first_name="<b>Bold</b> <i>&amp;</i>")
    Certificate.objects.filter(completion=completion).delete()
    from certificates.issuing import issue

    completion.learner.refresh_from_db()
    certificate = issue(completion)
    text = PdfReader(io.BytesIO(render_pdf(certificate))).pages[0].extract_text()
    assert "<b>Bold</b>" in text


def test_a_five_thousand_character_name_keeps_the_certificate_on_one_page(complete):
    certificate = complete().certificate
    certificate.holder_name = "Averyveryverylongname " * 230
    pdf = PdfReader(io.BytesIO(render_pdf(certificate)))
    assert len(pdf.pages) == 1
    assert "…" in pdf.pages[0].extract_text()


@pytest.mark.parametrize(
    "uri",
    [
        "http://127.0.0.1:9/x.png",
        "https://example.org/x.png",
        "file:///etc/passwd",
        "/etc/passwd",
        "../../etc/passwd",
        "/media/../../etc/passwd",
        "/static/../../../etc/passwd",
        "//evil.example/x",
        "data:text/html,<script>",
    ],
)
def test_the_link_callback_refuses_everything_outside_media_and_static(uri):
    assert confined_link(uri) == "data:,"


def test_the_link_callback_allows_files_under_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "logo.png").write_bytes(b"x")
    assert confined_link(settings.MEDIA_URL + "logo.png") == str((tmp_path / "logo.png").resolve())
