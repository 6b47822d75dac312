"""Administrators find, revoke and re-issue certificates, built on Wagtail's generic admin
views (wired together by certificates.viewsets.CertificateViewSet). Every view asks for the
same permission as the menu item that leads to it: changing certificates."""

import django_filters
from django import forms
from django.contrib import messages
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import View
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.log_actions import log

from certificates import codes
from certificates.issuing import ensure_pdf, holder_name
from certificates.models import Certificate, CertificateNote
from certificates.views import logged_pdf_response
from cms.sanitiser import clean_text
from cms.validators import refuse_direction_controls
from privacy import audit

PERMISSION = "certificates.change_certificate"
STATUSES = [("valid", "Valid"), ("expired", "Expired"), ("revoked", "Revoked")]


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


class CertificateFilterSet(WagtailFilterSet):
    """Status is worked out from the revocation and the expiry date, so it filters on both."""

    status = django_filters.ChoiceFilter(label="Status", choices=STATUSES, method="filter_status")
    agency_name = django_filters.AllValuesFilter(label="Agency")
    course_title = django_filters.AllValuesFilter(label="Course")
    completed_on = django_filters.DateFromToRangeFilter(label="Completed", widget=DateRangePickerWidget)

    class Meta:
        model = Certificate
        fields = ["status", "agency_name", "course_title", "completed_on"]

    def filter_status(self, queryset, name, value):
        today = timezone.localdate()
        if value == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        standing = queryset.filter(revoked_at__isnull=True)
        if value == "expired":
            return standing.filter(expires_on__lt=today)
        return standing.exclude(expires_on__lt=today)


class CertificateIndexView(IndexView):
    """Every certificate, newest first, a page at a time; searched by name, course or code
    (typed with or without dashes, in either case)."""

    any_permission_required = ["change"]
    filterset_class = CertificateFilterSet
    default_ordering = "-issued_at"
    search_fields = ["holder_name", "course_title"]

    @cached_property
    def columns(self):
        return [
            self._get_title_column_class(TitleColumn)(
                "display_code", label="Code", sort_key="code", get_url=self.get_inspect_url
            ),
            Column("holder_name", label="Holder", sort_key="holder_name"),
            Column("course_title", label="Course", sort_key="course_title"),
            Column("agency_name", label="Agency", sort_key="agency_name"),
            Column("completed_on", label="Completed", sort_key="completed_on"),
            Column("status", label="Status", accessor=lambda c: c.status().capitalize()),
        ]

    def as_spreadsheet(self, queryset, spreadsheet_format):
        """The download names each certificate's holder: recorded in their audit log."""
        holders = queryset.values_list("completion__learner", flat=True)
        audit.log(self.request.user, holders, audit.EXPORTED, f"Certificates, {spreadsheet_format.upper()}")
        return super().as_spreadsheet(queryset, spreadsheet_format)

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        query = self.search_query.strip()[:100]
        code = codes.normalise(query)
        matches = Q(holder_name__icontains=query) | Q(course_title__icontains=query)
        if code:
            matches |= Q(code=code)
        return queryset.filter(matches)


class CertificateDetailView(InspectView):
    """The certificate, its history, and the re-issue form (posted here); revoking is a page of
    its own so that it is always confirmed."""

    any_permission_required = ["change"]
    revoke_url_name = None
    pdf_url_name = None
    history_url_name = None

    def get_object(self, queryset=None):
        return get_object_or_404(Certificate.objects.select_related("revoked_by", "completion"), pk=self.pk)

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        what = f"Certificate {self.object.display_code}"
        audit.log(request.user, [self.object.completion.learner_id], audit.VIEWED, what)
        return response

    def get_page_title(self):
        return f"Certificate {self.object.display_code}"

    def _url(self, name):
        return reverse(name, args=[self.object.pk])

    @cached_property
    def reissue_form(self):
        return ReissueForm(self.request.POST if self.request.method == "POST" else None)

    def post(self, request, *args, **kwargs):
        if not self.reissue_form.is_valid():
            return self.get(request, *args, **kwargs)
        certificate = self.object
        new_name = holder_name(certificate.completion.learner)
        note = clean_text(self.reissue_form.cleaned_data["note"])
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
        return redirect(self.request.path)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            certificate=self.object,
            reissue_form=self.reissue_form,
            notes=self.object.notes.select_related("created_by"),
            revoke_url=self._url(self.revoke_url_name),
            pdf_url=self._url(self.pdf_url_name),
            history_url=self._url(self.history_url_name),
            **kwargs,
        )


class _CertificateView(PermissionCheckedMixin, View):
    model = Certificate
    permission_required = "change"
    detail_url_name = None

    def detail_url(self, certificate):
        return reverse(self.detail_url_name, args=[certificate.pk])


class RevokeView(WagtailAdminTemplateMixin, _CertificateView):
    """Revoking asks first: the page shows the certificate and asks for the reason, and only
    posting that form revokes it, recording who did it and when."""

    template_name = "certificates/admin/revoke.html"

    def dispatch(self, request, *args, pk, **kwargs):
        self.certificate = get_object_or_404(Certificate, pk=pk)
        return super().dispatch(request, *args, pk=pk, **kwargs)

    def get_page_title(self):
        return f"Revoke certificate {self.certificate.display_code}"

    def get(self, request, pk, form=None):
        certificate = self.certificate
        if certificate.revoked_at:
            messages.warning(request, f"Certificate {certificate.display_code} is already revoked.")
            return redirect(self.detail_url(certificate))
        context = self.get_context_data(
            certificate=certificate, form=form or RevokeForm(), detail_url=self.detail_url(certificate)
        )
        return self.render_to_response(context)

    def post(self, request, pk):
        certificate = self.certificate
        form = RevokeForm(request.POST)
        if certificate.revoked_at or not form.is_valid():
            return self.get(request, pk, form=form)
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
        return redirect(self.detail_url(certificate))


class PdfView(_CertificateView):
    """The PDF as it stands; a revoked certificate's is marked REVOKED."""

    def get(self, request, pk):
        return logged_pdf_response(
            request, get_object_or_404(Certificate.objects.select_related("completion"), pk=pk)
        )
