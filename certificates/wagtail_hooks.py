from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from certificates import admin_views


@hooks.register("register_admin_urls")
def certificate_admin_urls():
    return [
        path("certificates/", admin_views.index, name="certificates_admin_index"),
        path("certificates/<id:pk>/", admin_views.detail, name="certificates_admin_detail"),
    ]


class CertificatesMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(admin_views.PERMISSION)


@hooks.register("register_admin_menu_item")
def certificates_menu_item():
    return CertificatesMenuItem(
        "Certificates", reverse("certificates_admin_index"), icon_name="doc-full", order=900
    )
