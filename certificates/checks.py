"""A deployment check: the site's address, printed on every certificate and sent in every
reminder, must be the partnership's public address, not a development or local one.

Wagtail's migrations make the default site `localhost` and nothing in production changes
it, so `check --deploy` says so until an administrator sets it in Settings › Sites."""

import ipaddress
from urllib.parse import urlsplit

from django.core.checks import Error, register
from django.db import DatabaseError

from certificates.rendering import site_address


def is_local(address):
    host = urlsplit(address).hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return not host  # an empty address is as wrong as a local one
    return ip.is_loopback or ip.is_unspecified


@register("certificates", deploy=True)
def site_address_check(app_configs, **kwargs):
    try:
        address = site_address()
    except DatabaseError:
        return []  # not migrated or not reachable: migrate and the server say so themselves
    if not is_local(address):
        return []
    return [
        Error(
            f"The site's address is “{address or 'not set'}”: certificates would print it in their "
            "link and QR code, and reminder emails would link to it.",
            hint=(
                "Set the default site's hostname and port (443 for https) in the admin under "
                "Settings › Sites."
            ),
            id="certificates.E001",
        )
    ]
