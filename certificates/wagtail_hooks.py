from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from certificates import admin_views


@hooks.register("register_admin_urls")
def certificate_admin_urls():
    return [
        path("certificates/", admin_views.index, name="certificates_admin_index"),
        path("certificates/<id:pk>/", admin_views.detail, name="certificates_admin_detail"),
        path("certificates/<id:pk>/revoke/", admin_views.revoke, name="certificates_admin_revoke"),
        path("certificates/<id:pk>/pdf/", admin_views.pdf, name="certificates_admin_pdf"),
    ]


@hooks.register("register_log_actions")
def certificate_log_actions(actions):
    actions.register_action("certificates.revoke", "Revoke certificate", "Revoked the certificate")
    actions.register_action("certificates.reissue", "Re-issue certificate", "Re-issued the certificate")


class CertificatesMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(admin_views.PERMISSION)


@hooks.register("register_admin_menu_item")
def certificates_menu_item():
    return CertificatesMenuItem(
        "Certificates", reverse("certificates_admin_index"), icon_name="doc-full", order=900
    )
