"""Large downloads made in the background, without holding a web worker: more rows than the
export's threshold (`EXPORT_BACKGROUND_ROWS`, `EXPORT_BACKGROUND_CERTIFICATES`) and the page
records a `Download`, queues `make_download`, and sends its maker to "Your downloads", where
a link appears when the file is ready. Smaller downloads are sent at once, as before.

Each export an app offers is registered with the `register_download` hook:

    @hooks.register("register_download")
    def staff_download():
        return STAFF_DOWNLOAD  # an Export

and its `prepare(request)` is the one place that reads the scope and filters from a request
(the page's, or one rebuilt from the `Download` for the task): it refuses what the page
refuses (returning the page's response for it) and otherwise returns a `Prepared` file."""

import logging
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponseBase, QueryDict
from django.shortcuts import redirect
from django.utils import timezone
from django_tasks import task
from wagtail import hooks

from cms.db_routers import reading_from_replica
from courses.exports import Prepared
from courses.models import Download

HOOK = "register_download"
FOLDER = "downloads"
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Export:
    """A download an app offers: `name` is kept on each `Download` to find it again; more rows
    than the setting `threshold` names and it is made in the background."""

    name: str
    prepare: Callable[[HttpRequest], Prepared | HttpResponseBase]
    threshold: str = "EXPORT_BACKGROUND_ROWS"


def registered() -> dict[str, Export]:
    return {export.name: export for export in (make() for make in hooks.get_hooks(HOOK))}


def deliver(request: HttpRequest, export: Export) -> HttpResponseBase:
    """The download asked for: refused as its page refuses it, sent at once if it is small,
    otherwise queued, with its maker sent to "Your downloads"."""
    prepared = export.prepare(request)
    if isinstance(prepared, HttpResponseBase):
        return prepared
    if prepared.rows <= getattr(settings, export.threshold):
        prepared.audit()
        return prepared.response()
    download = Download.objects.create(
        user=request.user,
        kind=export.name,
        params=request.GET.urlencode(),
        title=prepared.title,
        filename=prepared.filename,
        rows=prepared.rows,
    )
    make_download.enqueue(download.pk)
    messages.success(
        request,
        f"“{prepared.title}” ({prepared.rows:,} rows) is being made for you. "
        "It will be ready to download here in a few minutes.",
    )
    return redirect("courses:downloads")


class Refused(Exception):
    """The download's scope or filters are no longer allowed (they were when it was asked for)."""


def _request_for(download: Download) -> HttpRequest:
    """The request the download was asked with, as far as an export reads one: its maker and
    its filters."""
    request = HttpRequest()
    request.method = "GET"
    request.user = download.user
    request.GET = QueryDict(download.params)
    return request


def _prepare(download: Download) -> Prepared:
    export = registered().get(download.kind)
    if export is None:
        raise Refused("This kind of download is no longer offered.")
    try:
        prepared = export.prepare(_request_for(download))
    except (PermissionDenied, Http404) as error:
        raise Refused("You no longer have access to these records.") from error
    if isinstance(prepared, HttpResponseBase):
        raise Refused("These filters cannot be downloaded. Go back to the report and choose again.")
    return prepared


@task()
def make_download(download_id: int) -> None:
    """Write the download's file to private storage and mark it ready, logging whom it names;
    on any failure, leave no file behind and mark it failed with what went wrong. Its rows are
    read from the read replica when one is set, as the reports' are."""
    download = Download.objects.select_related("user").get(pk=download_id)
    saved = ""
    try:
        prepared = _prepare(download)  # the person's rights, read from the primary
        with tempfile.TemporaryFile() as scratch, reading_from_replica():
            prepared.write(scratch)
            size = scratch.tell()
            scratch.seek(0)
            saved = default_storage.save(f"{FOLDER}/{uuid.uuid4().hex}-{download.filename}", File(scratch))
        prepared.audit()
    except Exception as error:
        if saved:
            default_storage.delete(saved)
        if not isinstance(error, Refused):
            logger.exception("Download %s failed", download.pk)
        Download.objects.filter(pk=download.pk).update(
            status=Download.Status.FAILED,
            error=str(error)
            if isinstance(error, Refused)
            else "Something went wrong making this file. "
            "Ask for it again; if it fails again, tell the partnership's administrator.",
            finished_at=timezone.now(),
        )
        return
    Download.objects.filter(pk=download.pk).update(
        status=Download.Status.READY, file=saved, size=size, finished_at=timezone.now()
    )


def remove_expired(now: datetime | None = None) -> tuple[int, int]:
    """Remove the downloads asked for longer ago than `DOWNLOADS_KEPT_HOURS`, with their files,
    and any file in the downloads folder that no download names (left by a worker that was
    killed while saving one). Returns (downloads removed, stray files removed); running it
    again removes nothing more."""
    cutoff = (now or timezone.now()) - timedelta(hours=settings.DOWNLOADS_KEPT_HOURS)
    expired = Download.objects.filter(created_at__lt=cutoff)
    for name in expired.exclude(file="").values_list("file", flat=True):
        default_storage.delete(name)
    removed, _ = expired.delete()
    try:
        _, files = default_storage.listdir(FOLDER)
    except FileNotFoundError:
        files = []
    kept = set(Download.objects.exclude(file="").values_list("file", flat=True))
    stray = [f"{FOLDER}/{name}" for name in files if f"{FOLDER}/{name}" not in kept]
    # A file being saved right now has no download naming it yet: only older ones are stray.
    stray = [name for name in stray if default_storage.get_modified_time(name) < cutoff]
    for name in stray:
        default_storage.delete(name)
    return removed, len(stray)
