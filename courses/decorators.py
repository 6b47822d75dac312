"""View decorators shared by the lead-facing pages, downloads and API."""

from django.contrib.auth.decorators import login_required
from django.views.decorators.cache import never_cache


def report_view(view):
    """A report page, export or PDF: for signed-in people only, and sent with
    `Cache-Control: no-store`, so that no browser or proxy keeps a copy of staff's names and
    results for the next person at a shared computer."""
    return login_required(never_cache(view))
