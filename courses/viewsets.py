"""Admin screens for learning data: the confidence survey's items (editors), and who holds
the agency lead and partnership manager roles (administrators).

Learner records (enrolments, completions, answers) have no admin screens here: they are
records, read through reports, and never edited by hand."""

from django import forms
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from courses.models import AgencyLead, PartnershipManager, SurveyItem


class SurveyItemViewSet(SnippetViewSet):
    model = SurveyItem
    icon = "list-ol"
    menu_label = "Confidence survey"
    list_display = ["text", "code", "active"]
    sort_order_field = "sort_order"


class AgencyLeadViewSet(SnippetViewSet):
    """Administrators decide who leads which agencies; content editors have no access."""

    model = AgencyLead
    icon = "user"
    menu_label = "Agency leads"
    list_display = ["user", "agency_names"]
    panels = [FieldPanel("user"), FieldPanel("agencies", widget=forms.CheckboxSelectMultiple)]


class PartnershipManagerViewSet(SnippetViewSet):
    model = PartnershipManager
    icon = "group"
    menu_label = "Partnership managers"
    list_display = ["user"]
    panels = [FieldPanel("user")]


class LearningViewSetGroup(SnippetViewSetGroup):
    items = (SurveyItemViewSet, AgencyLeadViewSet, PartnershipManagerViewSet)
    menu_icon = "desktop"
    menu_label = "Learning"
    menu_name = "learning"
