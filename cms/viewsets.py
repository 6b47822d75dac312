"""Admin screens for the toolkit's shared pieces, grouped under one "Toolkit" menu."""

import django_filters
from django.utils.dateformat import format as format_date
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from cms.local_contacts_admin import LocalContactViewSet
from cms.models import Agency, Helpline, Resource


class ResourceFilterSet(WagtailFilterSet):
    """Filters by the agency's code, not its id: the search backend follows a many-to-many
    relation to the agency's own fields but cannot stop at the link table, so filtering
    by id would break a search within one agency."""

    agency = django_filters.ChoiceFilter(
        field_name="agencies__code",
        label="Agency",
        choices=lambda: Agency.objects.values_list("code", "name"),
    )

    class Meta:
        model = Resource
        fields = ["paid_membership"]


class ResourceViewSet(SnippetViewSet):
    model = Resource
    icon = "link"
    menu_label = "Resources"
    list_display = ["title", "provider", "paid_membership", "url"]
    filterset_class = ResourceFilterSet


class HelplineViewSet(SnippetViewSet):
    model = Helpline
    icon = "mail"
    menu_label = "Helplines"
    list_display = [
        "name",
        "number",
        # Written out in full (30 November 2026), as on the helpline card, and still sortable.
        Column(
            "last_reviewed",
            label="Number last checked",
            sort_key="last_reviewed",
            accessor=lambda helpline: helpline.last_reviewed and format_date(helpline.last_reviewed, "j F Y"),
        ),
    ]


class AgencyViewSet(SnippetViewSet):
    model = Agency
    icon = "group"
    menu_label = "Agencies"
    list_display = ["name", "code", "allowed_email_domains"]


class ToolkitViewSetGroup(SnippetViewSetGroup):
    items = (ResourceViewSet, HelplineViewSet, LocalContactViewSet, AgencyViewSet)
    menu_icon = "folder-open-inverse"
    menu_label = "Toolkit"
    menu_name = "toolkit"
