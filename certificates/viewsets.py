"""The certificates admin: Wagtail's listing (search, filters, paging, XLSX/CSV export) and
history, with the project's own detail, revoke and PDF views in place of add, edit and delete.
A certificate is a record of what was printed, so it is never created or edited by hand."""

from django.urls import path
from wagtail.admin.viewsets.model import ModelViewSet

from certificates import admin_views
from certificates.models import Certificate


class CertificateViewSet(ModelViewSet):
    model = Certificate
    name = "certificates_admin"  # the public pages own the "certificates" URL namespace
    url_prefix = "certificates"
    menu_label = "Certificates"
    icon = "doc-full"
    add_to_admin_menu = True
    menu_order = 900
    add_to_reference_index = False
    copy_view_enabled = False
    inspect_view_enabled = True
    list_per_page = 50

    index_view_class = admin_views.CertificateIndexView
    inspect_view_class = admin_views.CertificateDetailView
    list_export = [
        "display_code",
        "holder_name",
        "course_title",
        "agency_name",
        "completed_on",
        "expires_on",
        "status",
        "revoked_reason",
    ]
    export_headings = {
        "display_code": "Code",
        "holder_name": "Holder",
        "course_title": "Course",
        "agency_name": "Agency",
        "completed_on": "Completed",
        "expires_on": "Valid until",
        "status": "Status",
        "revoked_reason": "Reason revoked",
    }
    export_filename = "certificates"

    def get_common_view_kwargs(self, **kwargs):
        # No add, edit, delete or usage pages: the listing and detail views offer none.
        return super().get_common_view_kwargs(
            add_url_name=None, edit_url_name=None, delete_url_name=None, usage_url_name=None, **kwargs
        )

    def get_inspect_view_kwargs(self, **kwargs):
        return super().get_inspect_view_kwargs(
            template_name="certificates/admin/detail.html",
            revoke_url_name=self.get_url_name("revoke"),
            pdf_url_name=self.get_url_name("pdf"),
            history_url_name=self.get_url_name("history"),
            **kwargs,
        )

    def _certificate_view(self, view_class):
        return view_class.as_view(detail_url_name=self.get_url_name("inspect"))

    def get_urlpatterns(self):
        conv = self.pk_path_converter
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path(f"<{conv}:pk>/", self.inspect_view, name="inspect"),
            path(f"<{conv}:pk>/revoke/", self._certificate_view(admin_views.RevokeView), name="revoke"),
            path(f"<{conv}:pk>/pdf/", self._certificate_view(admin_views.PdfView), name="pdf"),
            path(f"<{conv}:pk>/history/", self.history_view, name="history"),
            path(f"<{conv}:pk>/history/results/", self.history_results_view, name="history_results"),
        ]


certificate_viewset = CertificateViewSet()
