"""The certificate PDF: an autoescaped template rendered by xhtml2pdf, with every resource
confined.

xhtml2pdf would otherwise fetch remote URLs and read files from the working directory. It
gets both a resource policy (local reads under MEDIA_ROOT and STATIC_ROOT only, nothing
remote) and a strict link callback that resolves real paths under those roots and turns
anything else into an empty `data:` URI. The QR code is drawn here, by segno, and embedded
as a PNG data URI. Renders hold a process-wide lock: throughput comes from worker processes.
"""

import io
import threading
from pathlib import Path
from urllib.parse import unquote

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from xhtml2pdf import pisa
from xhtml2pdf.config.resources import ResourceAccessPolicy

from cms.models import PartnershipSettings

_render_lock = threading.Lock()
EMPTY = "data:,"
NAME_PRINT_LIMIT = 90  # longer names are cut so the certificate stays on one page


def _roots():
    return [
        (Path(settings.MEDIA_ROOT).resolve(), settings.MEDIA_URL),
        (Path(settings.STATIC_ROOT).resolve(), settings.STATIC_URL),
    ]


def confined_link(uri, rel=None):
    """The file an image or link may use, or an empty data URI for anything else."""
    if uri.startswith("data:image/png;base64,"):
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


def verify_url(code):
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("certificates:verify_code", args=[code])


def qr_data_uri(url):
    return segno.make(url, error="m").png_data_uri(scale=5, border=2)


def printed_name(name):
    name = " ".join(name.split())
    return name if len(name) <= NAME_PRINT_LIMIT else name[: NAME_PRINT_LIMIT - 1] + "…"


def render_pdf(certificate, site=None):
    from wagtail.models import Site

    site = site or Site.objects.filter(is_default_site=True).first()
    partnership = PartnershipSettings.for_site(site) if site else None
    logo_url = partnership.logo.file.url if partnership and partnership.logo_id else None
    html = render_to_string(
        "certificates/pdf.html",
        {
            "certificate": certificate,
            "holder_name": printed_name(certificate.holder_name),
            "partnership_name": partnership.name if partnership else "",
            "logo_url": logo_url,
            "qr": qr_data_uri(verify_url(certificate.code)),
            "verify_url": verify_url(certificate.code),
        },
    )
    output = io.BytesIO()
    with _render_lock:
        result = pisa.CreatePDF(
            html, dest=output, link_callback=confined_link, resource_policy=policy(), encoding="utf-8"
        )
    if result.err:
        raise RuntimeError(f"The certificate PDF could not be made ({result.err} errors).")
    return output.getvalue()
