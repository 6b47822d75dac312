"""Making PDFs from our own autoescaped templates with xhtml2pdf, every resource confined.

xhtml2pdf would otherwise fetch remote URLs and read files from the working directory. It
gets both a resource policy (local reads under MEDIA_ROOT and STATIC_ROOT only, nothing
remote) and a strict link callback that resolves real paths under those roots and turns
anything else into an empty `data:` URI; only the images we draw ourselves (PNG and SVG data
URIs) pass. Renders hold a process-wide lock: throughput comes from worker processes.
"""

import hashlib
import io
import threading
from pathlib import Path
from urllib.parse import unquote

from django.conf import settings
from django.core.cache import cache
from xhtml2pdf import pisa
from xhtml2pdf.config.resources import ResourceAccessPolicy

_render_lock = threading.Lock()
DRAWN_SECONDS = 24 * 60 * 60  # how long `drawn_once` keeps a PDF
EMPTY = "data:,"
OUR_IMAGES = ("data:image/png;base64,", "data:image/svg+xml;base64,")


def _roots():
    return [
        (Path(settings.MEDIA_ROOT).resolve(), settings.MEDIA_URL),
        (Path(settings.STATIC_ROOT).resolve(), settings.STATIC_URL),
    ]


def confined_link(uri, rel=None):
    """The file an image or link may use, or an empty data URI for anything else."""
    if uri.startswith(OUR_IMAGES):
        return uri
    for root, prefix in _roots():
        if uri.startswith(prefix):
            path = (root / unquote(uri[len(prefix) :])).resolve()
            if path.is_relative_to(root) and path.is_file():
                return str(path)
    return EMPTY


def policy():
    media, static = (root for root, _ in _roots())
    return ResourceAccessPolicy.server(media, extra_roots=(static,), allow_remote=False)


def render_pdf(html):
    output = io.BytesIO()
    with _render_lock:
        result = pisa.CreatePDF(
            html, dest=output, link_callback=confined_link, resource_policy=policy(), encoding="utf-8"
        )
    if result.err:
        raise RuntimeError(f"The PDF could not be made ({result.err} errors).")
    return output.getvalue()


def drawn_once(html):
    """`render_pdf` for a document asked for again and again with the same figures (the board
    pack): kept in the cache under the hash of its HTML. Drawing takes xhtml2pdf about 400 ms
    whatever the figures, while the HTML is made afresh from the figures on every request, so a
    change to any figure, word or date is a new key and a kept PDF is never out of date. Not for
    certificates: each is drawn once anyway."""
    key = "pdf:" + hashlib.sha256(html.encode()).hexdigest()
    pdf = cache.get(key)
    if pdf is None:
        pdf = render_pdf(html)
        cache.set(key, pdf, DRAWN_SECONDS)
    return pdf
