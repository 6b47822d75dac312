from django.db.models import Max
from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.ui.components import Component

from cms.review_admin import ContentStaffMenuItem
from cms.roles import is_content_staff

from . import urls
from .digest import failing_links_for
from .models import Link
from .views import long_date


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("links/", include(urls, namespace="links"))]


@hooks.register("register_reports_menu_item")
def register_broken_links_menu_item():
    return ContentStaffMenuItem(
        "Broken links", reverse("links:broken_links"), name="broken-links", icon_name="warning", order=650
    )


class BrokenLinksPanel(Component):
    """On the admin home: how many links are failing, the editor's own first."""

    name = "broken_links"
    template_name = "links/broken_links_panel.html"
    order = 60

    def get_context_data(self, parent_context):
        request = parent_context["request"]
        count = Link.objects.failing().count()
        last_check = Link.objects.aggregate(last=Max("last_checked"))["last"] if not count else None
        return {
            "count": count,
            "heading": f"Broken links: {count}",
            "own": failing_links_for(request.user)[:10] if count else [],
            "report_url": reverse("links:broken_links"),
            "last_check": long_date(last_check),
        }


@hooks.register("construct_homepage_panels")
def add_broken_links_panel(request, panels):
    if is_content_staff(request.user):
        panels.append(BrokenLinksPanel())
