from django.urls import reverse
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.models import Site
from wagtail.snippets.models import register_snippet

import cms.review_admin  # noqa: F401 (registers the review report, panel and actions)
from cms.models import LocalContacts
from cms.models.local_contacts import unset_labels_for_site
from cms.viewsets import ToolkitViewSetGroup

register_snippet(ToolkitViewSetGroup)


class LocalContactsPanel(Component):
    """On the admin home: which local contacts no one has set yet, for every site."""

    name = "local_contacts"
    template_name = "cms/admin/local_contacts_panel.html"
    order = 50

    def get_context_data(self, parent_context):
        request = parent_context["request"]
        policy = LocalContacts.get_permission_policy()
        sites = list(Site.objects.order_by("-is_default_site", "hostname"))
        unset = []
        for site in sites:
            labels = unset_labels_for_site(site)
            if labels:
                edit_url = None
                if policy.user_has_permission_for_instance(request.user, "change", site):
                    edit_url = reverse("wagtailsettings:edit", args=["cms", "localcontacts", site.pk])
                unset.append({"site": site, "labels": labels, "edit_url": edit_url})
        return {"unset": unset, "many_sites": len(sites) > 1}


@hooks.register("construct_homepage_panels")
def add_local_contacts_panel(request, panels):
    panels.append(LocalContactsPanel())
