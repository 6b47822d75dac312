"""The certificate PDF: an autoescaped template made into a PDF by `cms.pdf`, which confines
every resource. The QR code is drawn here, by segno, and embedded as a PNG data URI.

The address printed on it is the default site's, as an administrator sets it in Settings ›
Sites: the one source for every link that leaves the site without a request to read it
from (certificates, reminder emails). `check --deploy` refuses a local one (`checks.py`)."""

import segno
from django.template.loader import render_to_string
from django.urls import reverse
from wagtail.models import Site

from cms.models import PartnershipSettings
from cms.pdf import render_pdf as make_pdf

NAME_PRINT_LIMIT = 90  # longer names are cut so the certificate stays on one page


def default_site():
    return Site.objects.filter(is_default_site=True).first()


def site_address(site=None):
    site = site or default_site()
    return site.root_url if site else ""


def verify_url(code, address=None):
    address = site_address() if address is None else address
    return address + reverse("certificates:verify_code", args=[code])


def qr_data_uri(url):
    return segno.make(url, error="m").png_data_uri(scale=5, border=2)


def printed_name(name):
    name = " ".join(name.split())
    return name if len(name) <= NAME_PRINT_LIMIT else name[: NAME_PRINT_LIMIT - 1] + "…"


def render_pdf(certificate, site=None):
    site = site or default_site()
    partnership = PartnershipSettings.for_site(site) if site else None
    logo_url = partnership.logo.file.url if partnership and partnership.logo_id else None
    url = verify_url(certificate.code, site_address(site))
    html = render_to_string(
        "certificates/pdf.html",
        {
            "certificate": certificate,
            "holder_name": printed_name(certificate.holder_name),
            "partnership_name": partnership.name if partnership else "",
            "logo_url": logo_url,
            "qr": qr_data_uri(url),
            "verify_url": url,
        },
    )
    return make_pdf(html)
