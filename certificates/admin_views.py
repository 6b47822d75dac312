"""Administrators find, revoke and re-issue certificates. Each view checks the same
permission as the menu item that leads to it."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from wagtail.log_actions import log

from certificates import codes
from certificates.issuing import ensure_pdf, holder_name
from certificates.models import Certificate, CertificateNote
from certificates.views import _pdf_response
from cms.sanitiser import clean_text
from cms.validators import refuse_direction_controls

PERMISSION = "certificates.change_certificate"


def _check(request):
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied


def index(request):
    _check(request)
    query = (request.GET.get("q") or "").strip()[:100]
    certificates = Certificate.objects.all()
    if query:
        code = codes.normalise(query)
        certificates = certificates.filter(
            Q(holder_name__icontains=query)
            | Q(course_title__icontains=query)
            | (Q(code=code) if code else Q(pk__in=[]))
        )
    return TemplateResponse(
        request,
        "certificates/admin/index.html",
        {
            "certificates": certificates.order_by("-issued_at")[:200],
            "query": query,
            "page_title": "Certificates",
        },
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(
        max_length=500,
        validators=[refuse_direction_controls],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept with the certificate. Do not include details of children or cases.",
    )


class ReissueForm(forms.Form):
    note = forms.CharField(
        max_length=500,
        validators=[refuse_direction_controls],
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What changed, for the record (for example: name corrected).",
    )


def detail(request, pk):
    _check(request)
    certificate = get_object_or_404(Certificate.objects.select_related("revoked_by"), pk=pk)
    reissue_form = ReissueForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and reissue_form.is_valid():
        new_name = holder_name(certificate.completion.learner)
        note = clean_text(reissue_form.cleaned_data["note"])
        lifted = " The revocation is lifted." if certificate.revoked_at else ""
        with transaction.atomic():
            CertificateNote.objects.create(
                certificate=certificate,
                created_by=request.user,
                text=f"Re-issued: {note} (name was “{certificate.holder_name}”, now “{new_name}”).{lifted}",
            )
            certificate.holder_name = new_name
            certificate.revoked_at, certificate.revoked_reason, certificate.revoked_by = None, "", None
            certificate.save(update_fields=["holder_name", "revoked_at", "revoked_reason", "revoked_by"])
            log(certificate, "certificates.reissue", user=request.user, data={"note": note})
        ensure_pdf(certificate, force=True)
        messages.success(
            request, f"Certificate {certificate.display_code} has been re-issued with the same code."
        )
        return redirect("certificates_admin_detail", pk=pk)
    return TemplateResponse(
        request,
        "certificates/admin/detail.html",
        {
            "certificate": certificate,
            "reissue_form": reissue_form,
            "notes": certificate.notes.select_related("created_by"),
            "page_title": f"Certificate {certificate.display_code}",
        },
    )


def revoke(request, pk):
    """Revoking asks first: the page shows the certificate and asks for the reason, and only
    posting that form revokes it, recording who did it and when."""
    _check(request)
    certificate = get_object_or_404(Certificate, pk=pk)
    if certificate.revoked_at:
        messages.warning(request, f"Certificate {certificate.display_code} is already revoked.")
        return redirect("certificates_admin_detail", pk=pk)
    form = RevokeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        reason = clean_text(form.cleaned_data["reason"])
        with transaction.atomic():
            # Only a certificate still standing is revoked: a second confirmation changes nothing.
            if Certificate.objects.filter(pk=pk, revoked_at__isnull=True).update(
                revoked_at=timezone.now(), revoked_reason=reason, revoked_by=request.user
            ):
                CertificateNote.objects.create(
                    certificate=certificate, created_by=request.user, text=f"Revoked: {reason}"
                )
                log(certificate, "certificates.revoke", user=request.user, data={"reason": reason})
        certificate.refresh_from_db()
        ensure_pdf(certificate, force=True)  # the PDF an administrator can still open says REVOKED
        messages.success(request, f"Certificate {certificate.display_code} is revoked.")
        return redirect("certificates_admin_detail", pk=pk)
    return TemplateResponse(
        request,
        "certificates/admin/revoke.html",
        {
            "certificate": certificate,
            "form": form,
            "page_title": f"Revoke certificate {certificate.display_code}",
        },
    )


def pdf(request, pk):
    """The PDF as it stands; a revoked certificate's is marked REVOKED."""
    _check(request)
    return _pdf_response(get_object_or_404(Certificate, pk=pk))
