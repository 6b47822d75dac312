"""Admin screens for the toolkit's shared pieces, grouped under one "Toolkit" menu."""

from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from cms.models import Agency, Helpline, Resource


class ResourceViewSet(SnippetViewSet):
    model = Resource
    icon = "link"
    menu_label = "Resources"
    list_display = ["title", "provider", "paid_membership", "url"]
    list_filter = ["paid_membership", "agencies"]
    search_fields = ["title", "provider", "description"]


class HelplineViewSet(SnippetViewSet):
    model = Helpline
    icon = "mail"
    menu_label = "Helplines"
    list_display = ["name", "number"]
    search_fields = ["name", "description"]


class AgencyViewSet(SnippetViewSet):
    model = Agency
    icon = "group"
    menu_label = "Agencies"
    list_display = ["name", "code", "allowed_email_domains"]
    search_fields = ["name"]


class ToolkitViewSetGroup(SnippetViewSetGroup):
    items = (ResourceViewSet, HelplineViewSet, AgencyViewSet)
    menu_icon = "folder-open-inverse"
    menu_label = "Toolkit"
    menu_name = "toolkit"
