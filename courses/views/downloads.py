"""Your downloads: the large downloads made for you in the background (`courses.downloads`),
each with its status and, when ready, a link. Only the person who asked for a download sees
it or gets its file: anyone else's is simply not found (404)."""

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse
from django.shortcuts import get_object_or_404, render

from courses.decorators import report_view
from courses.models import Download
from courses.scoping import require_report_viewer


@report_view
def downloads(request):
    require_report_viewer(request.user)  # only leads and the manager make downloads
    listed = Download.objects.filter(user=request.user)
    return render(
        request, "courses/downloads.html", {"downloads": listed, "kept_hours": settings.DOWNLOADS_KEPT_HOURS}
    )


@report_view
def download_file(request, pk):
    require_report_viewer(request.user)
    download = get_object_or_404(Download, pk=pk, user=request.user, status=Download.Status.READY)
    return FileResponse(
        default_storage.open(download.file.name, "rb"), as_attachment=True, filename=download.filename
    )
