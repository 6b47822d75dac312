"""View decorators shared by the lead-facing pages, downloads and API."""

from django.contrib.auth.decorators import login_required
from django.views.decorators.cache import never_cache

from cms.db_routers import replica_reads


def report_view(view):
    """A report page, export or PDF: for signed-in people only, and sent with
    `Cache-Control: no-store`, so that no browser or proxy keeps a copy of staff's names and
    results for the next person at a shared computer. It reads from the read replica when one
    is set (cms/db_routers.py), once the person signed in has been read from the primary."""
    return login_required(never_cache(replica_reads(view)))
