"""Downloading certificates (the learner's own, or a lead's agency's) and public checking.

Every download looks the certificate up through who is asking, so anyone else's is simply
not found (404); a revoked one is downloaded only by an administrator, in the admin. The
public check shows the holder's name, course, dates and status only."""

import shutil
import zipfile
from datetime import date

from django.core.files.storage import default_storage
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET
from django_ratelimit.core import is_ratelimited

from certificates import codes
from certificates.issuing import ensure_pdf
from certificates.models import Certificate
from courses import downloads
from courses.decorators import report_view
from courses.exports import Prepared, in_batches
from courses.scoping import lead_agencies, require_report_viewer
from privacy import audit

VERIFY_LIMIT = 30  # look-ups per address
VERIFY_WINDOW = 600  # seconds


def pdf_response(certificate):
    name = ensure_pdf(certificate)
    return FileResponse(
        default_storage.open(name, "rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"certificate-{certificate.display_code}.pdf",
    )


@report_view
def download(request, pk):
    certificate = get_object_or_404(
        Certificate, pk=pk, completion__learner=request.user, revoked_at__isnull=True
    )
    return pdf_response(certificate)


def _rate_limited(request):
    """Count look-ups per visitor (behind the proxy too) in the shared cache."""
    return is_ratelimited(
        request,
        group="certificates:verify",
        key="ip",
        rate=f"{VERIFY_LIMIT}/{VERIFY_WINDOW}s",
        increment=True,
    )


def _too_many(request):
    problems = [("You have checked too many codes. Wait a few minutes, then try again.", "code")]
    return render(request, "certificates/verify.html", {"problems": problems}, status=429)


def _not_found(request, typed):
    problems = [
        (
            f"No certificate with this code: “{typed[:40]}”. Check the code on the certificate: "
            "it has 12 letters and numbers in three groups of four.",
            "code",
        )
    ]
    context = {"problems": problems, "typed": typed[:40]}
    return render(request, "certificates/verify.html", context, status=404)


@require_GET
def verify(request):
    typed = request.GET.get("code", "")
    if not typed:
        return render(request, "certificates/verify.html", {})
    if _rate_limited(request):
        return _too_many(request)
    code = codes.normalise(typed)
    if code is None:
        return _not_found(request, typed)
    return redirect("certificates:verify_code", code=codes.display(code))


@require_GET
def verify_code(request, code):
    if _rate_limited(request):
        return _too_many(request)
    normalised = codes.normalise(code)
    certificate = Certificate.objects.filter(code=normalised).first() if normalised else None
    if certificate is None:
        return _not_found(request, code)
    return render(
        request, "certificates/verify.html", {"certificate": certificate, "status": certificate.status()}
    )


# -- agency leads ---------------------------------------------------------------------------


def _lead_certificates(request):
    return Certificate.objects.filter(completion__agency__in=require_report_viewer(request.user))


def _date(value):
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _filtered(request):
    certificates = _lead_certificates(request)
    start, end = _date(request.GET.get("from")), _date(request.GET.get("to"))
    if start:
        certificates = certificates.filter(completed_on__gte=start)
    if end:
        certificates = certificates.filter(completed_on__lte=end)
    return certificates, start, end


@report_view
def lead_list(request):
    certificates, start, end = _filtered(request)
    bad_dates = any(request.GET.get(k) and not _date(request.GET.get(k)) for k in ("from", "to"))
    return render(
        request,
        "certificates/lead_list.html",
        {
            "certificates": certificates.order_by("-completed_on", "holder_name")[:500],
            "start": start,
            "end": end,
            "bad_dates": bad_dates,
            "agencies": lead_agencies(request.user),
            "query": request.GET.urlencode(),
        },
    )


def logged_pdf_response(request, certificate):
    """The PDF for someone other than its holder (a lead, the manager, an administrator),
    recorded in the holder's audit log."""
    response = pdf_response(certificate)
    what = f"Certificate {certificate.display_code}, PDF"
    audit.log(request.user, [certificate.completion.learner_id], audit.EXPORTED, what)
    return response


@report_view
def lead_download(request, pk):
    certificates = _lead_certificates(request).select_related("completion")
    return logged_pdf_response(request, get_object_or_404(certificates, pk=pk, revoked_at__isnull=True))


def certificates_zip(request) -> Prepared:
    """The certificates chosen (revoked ones left out) as a ZIP of their PDFs, each copied into
    it from storage a piece at a time."""
    certificates, _, _ = _filtered(request)
    listed = certificates.filter(revoked_at__isnull=True).select_related("completion")
    listed = listed.order_by("completed_on", "pk")

    def write(file):
        with zipfile.ZipFile(file, "w", zipfile.ZIP_DEFLATED) as archive:
            for batch in in_batches(listed):
                for certificate in batch:
                    entry = f"{certificate.completed_on:%Y-%m-%d}-{certificate.display_code}.pdf"
                    with (
                        default_storage.open(ensure_pdf(certificate), "rb") as pdf,
                        archive.open(entry, "w") as out,
                    ):
                        shutil.copyfileobj(pdf, out)

    def logged():
        holders = listed.values_list("completion__learner_id", flat=True)
        audit.log(request.user, holders, audit.EXPORTED, "Certificates, ZIP")

    stamp = timezone.localdate().isoformat()
    return Prepared("Certificates, ZIP", f"certificates-{stamp}.zip", listed.count(), write, logged)


CERTIFICATES_ZIP = downloads.Export("certificates-zip", certificates_zip, "EXPORT_BACKGROUND_CERTIFICATES")


@report_view
def lead_zip(request):
    return downloads.deliver(request, CERTIFICATES_ZIP)
