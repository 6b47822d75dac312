"""The partnership manager's board pack for a quarter, as a PDF or a Word document: the same
figures (`workforce.board_pack.gather`) in both."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse

from courses.decorators import report_view
from courses.models import PartnershipManager
from courses.reporting.views import period_problem, report_scope
from workforce.board_docx import document
from workforce.board_pack import NOT_A_QUARTER, gather, is_quarter, pdf

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@report_view
def board_pack(request, kind):
    """All agencies, one whole quarter (by default the last one that has ended)."""
    if kind not in CONTENT_TYPES:
        raise Http404
    if not PartnershipManager.objects.filter(user=request.user).exists():
        raise PermissionDenied("The board pack is for the partnership manager.")
    agencies, quarter, problem, _course, _job_role = report_scope(request, default="last_quarter")
    if not problem and not is_quarter(quarter):
        problem = NOT_A_QUARTER
    if problem:
        return period_problem(request, "Board pack", agencies, problem, None, None)
    pack = gather(agencies, quarter)
    content = pdf(pack) if kind == "pdf" else document(pack)
    response = HttpResponse(content, content_type=CONTENT_TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="{pack.filename_stem}.{kind}"'
    return response
