from django.urls import reverse
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.models import Site
from wagtail.snippets.models import register_snippet

import cms.review_admin  # noqa: F401 (registers the review report, panel and actions)
from cms import page_cache
from cms.models.local_contacts import LocalContact, unset_by_site
from cms.viewsets import ToolkitViewSetGroup

register_snippet(ToolkitViewSetGroup)


class LocalContactsPanel(Component):
    """On the admin home: which local contacts have no live contact yet, for every site, with
    the way to the listing (and the add screen, for those who may add one)."""

    name = "local_contacts"
    template_name = "cms/admin/local_contacts_panel.html"
    order = 50

    def get_context_data(self, parent_context):
        request = parent_context["request"]
        viewset = LocalContact.snippet_viewset
        policy = viewset.permission_policy
        unset = unset_by_site()
        can_add = policy.user_has_permission(request.user, "add")
        can_list = policy.user_has_any_permission(request.user, {"add", "change", "delete", "view"})
        return {
            "unset": [{"site": site, "labels": labels} for site, labels in unset],
            "many_sites": Site.objects.count() > 1,
            "add_url": reverse(viewset.get_url_name("add")) if can_add else None,
            "list_url": reverse(viewset.get_url_name("list")) if can_list else None,
        }


@hooks.register("construct_homepage_panels")
def add_local_contacts_panel(request, panels):
    panels.append(LocalContactsPanel())


@hooks.register("before_serve_page")
def mark_page_for_the_anonymous_cache(page, request, serve_args, serve_kwargs):
    page_cache.mark_cacheable(page, request)
