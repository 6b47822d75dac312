"""Admin screens for learning data editors may change: the confidence survey's items.

Learner records (enrolments, completions, answers) have no admin screens here: they are
records, read through reports, and never edited by hand."""

from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from courses.models import SurveyItem


class SurveyItemViewSet(SnippetViewSet):
    model = SurveyItem
    icon = "list-ol"
    menu_label = "Confidence survey"
    list_display = ["text", "code", "active"]
    sort_order_field = "sort_order"


class LearningViewSetGroup(SnippetViewSetGroup):
    items = (SurveyItemViewSet,)
    menu_icon = "desktop"
    menu_label = "Learning"
    menu_name = "learning"
