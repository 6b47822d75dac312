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

from certificates import codes
from certificates.issuing import _holder_name, ensure_pdf
from certificates.models import Certificate, CertificateNote
from cms.sanitiser import clean_text

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
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept with the certificate. Do not include details of children or cases.",
    )


class ReissueForm(forms.Form):
    note = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What changed, for the record (for example: name corrected).",
    )


def detail(request, pk):
    _check(request)
    certificate = get_object_or_404(Certificate, pk=pk)
    revoke_form = RevokeForm(request.POST if request.POST.get("action") == "revoke" else None)
    reissue_form = ReissueForm(request.POST if request.POST.get("action") == "reissue" else None)
    if request.method == "POST":
        if request.POST.get("action") == "revoke" and revoke_form.is_valid() and not certificate.revoked_at:
            reason = clean_text(revoke_form.cleaned_data["reason"])
            with transaction.atomic():
                Certificate.objects.filter(pk=pk).update(
                    revoked_at=timezone.now(), revoked_reason=reason, revoked_by=request.user
                )
                CertificateNote.objects.create(
                    certificate=certificate, created_by=request.user, text=f"Revoked: {reason}"
                )
            messages.success(request, f"Certificate {certificate.display_code} is revoked.")
            return redirect("certificates_admin_detail", pk=pk)
        if request.POST.get("action") == "reissue" and reissue_form.is_valid():
            new_name = _holder_name(certificate.completion.learner)
            note = clean_text(reissue_form.cleaned_data["note"])
            with transaction.atomic():
                CertificateNote.objects.create(
                    certificate=certificate,
                    created_by=request.user,
                    text=f"Re-issued: {note} (name was “{certificate.holder_name}”, now “{new_name}”)",
                )
                certificate.holder_name = new_name
                certificate.save(update_fields=["holder_name"])
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
            "revoke_form": revoke_form,
            "reissue_form": reissue_form,
            "notes": certificate.notes.all(),
            "page_title": f"Certificate {certificate.display_code}",
        },
    )
