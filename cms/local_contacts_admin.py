"""The admin listing of local contacts: a snippet viewset in the Toolkit menu, headed by the
kinds that have no live contact yet on each site."""

import django_filters
from django.utils.dateformat import format as format_date
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, LiveStatusTagColumn
from wagtail.models import Site
from wagtail.snippets.views.snippets import IndexView, SnippetViewSet

from cms.local_contacts import KINDS
from cms.models.local_contacts import NOT_SET_MESSAGE, LocalContact, unset_by_site


class LocalContactFilterSet(WagtailFilterSet):
    kind = django_filters.ChoiceFilter(label="Kind", choices=lambda: list(KINDS.items()))
    site = django_filters.ModelChoiceFilter(label="Site", queryset=Site.objects.order_by("hostname"))
    live = django_filters.ChoiceFilter(
        label="Status", choices=[(True, "Live"), (False, "Not yet published")], empty_label="Any"
    )

    class Meta:
        model = LocalContact
        fields = ["kind", "site", "live"]


class LocalContactIndexView(IndexView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["unset"] = unset_by_site()
        context["many_sites"] = Site.objects.count() > 1
        context["not_set_message"] = NOT_SET_MESSAGE
        return context


class LocalContactViewSet(SnippetViewSet):
    model = LocalContact
    icon = "group"
    menu_label = "Local contacts"
    index_view_class = LocalContactIndexView
    index_template_name = "cms/admin/local_contacts_index.html"
    filterset_class = LocalContactFilterSet
    list_display = [
        "name",  # first, so it is the link to the edit screen
        Column("kind", label="Kind", sort_key="kind", accessor=lambda contact: contact.label),
        # Sorted by the site's id: the search backend sorts only by the model's own fields.
        Column("site", label="Site", sort_key="site_id"),
        "phone",
        LiveStatusTagColumn(),  # live, draft, or live with a draft waiting
        Column(
            "last_reviewed",
            label="Last reviewed",
            sort_key="last_reviewed",
            accessor=lambda contact: contact.last_reviewed and format_date(contact.last_reviewed, "j F Y"),
        ),
    ]
