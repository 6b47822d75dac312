"""The certificate PDF: an autoescaped template made into a PDF by `cms.pdf`, which confines
every resource. The QR code is drawn here, by segno, and embedded as a PNG data URI."""

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from cms.models import PartnershipSettings
from cms.pdf import render_pdf as make_pdf

NAME_PRINT_LIMIT = 90  # longer names are cut so the certificate stays on one page


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
    return make_pdf(html)
