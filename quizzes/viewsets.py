"""Admin screens for quizzes, grouped under "Quizzes": one snippet viewset per question kind
(Wagtail's generic views do not understand polymorphic parents; each kind gives its own,
see `quizzes.kinds.base.Kind.viewset`), plus quizzes, vignettes, the traffic-light bands
and behaviours. Each listing of workflow content shows and filters by its publishing status
(cms.viewsets); every filter names an `index.FilterField`, so search and filters work together."""

import django_filters
from wagtail.admin.ui.tables import Column
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from cms.blocks import INDICATOR_CATEGORIES
from cms.models import Agency
from cms.viewsets import PublishedContentFilterSet, PublishingStatusColumn, with_status
from quizzes import kinds
from quizzes.models import BandSet, Behaviour, Quiz, Vignette


class QuestionFilterSet(PublishedContentFilterSet):
    quiz = django_filters.ModelChoiceFilter(queryset=Quiz.objects.all())
    category = django_filters.ChoiceFilter(choices=INDICATOR_CATEGORIES, label="Indicator category")
    agency = django_filters.ModelChoiceFilter(
        queryset=Agency.objects.all(), field_name="quiz__course__agency", label="Agency"
    )


def related_column(name):
    """A foreign-key column sorted by the key itself: search results sort only by indexed
    filter fields, and the search backend knows a foreign key by its `_id` column, so
    sorting by the related object's own ordering would fail after a search."""
    return Column(name, sort_key=f"{name}_id")


def question_viewset(question_model, icon):
    """A snippet viewset for one question type, listing by quiz and position."""
    filterset = type(
        f"{question_model.__name__}FilterSet",
        (QuestionFilterSet,),
        {
            "Meta": type("Meta", (), {"model": question_model, "fields": []}),
        },
    )
    return type(
        f"{question_model.__name__}ViewSet",
        (SnippetViewSet,),
        {
            "model": question_model,
            "icon": icon,
            "menu_label": question_model.type_label,
            "list_display": [
                "text",
                related_column("quiz"),
                "sort_order",
                "category",
                "difficulty",
                PublishingStatusColumn(),
            ],
            "ordering": ["quiz", "sort_order"],
            "filterset_class": filterset,
            "add_to_admin_menu": False,
            "get_queryset": lambda self, request: with_status(question_model.objects.select_related("quiz")),
        },
    )


class QuizFilterSet(PublishedContentFilterSet):
    agency = django_filters.ModelChoiceFilter(
        queryset=Agency.objects.all(), field_name="course__agency", label="Agency"
    )

    class Meta:
        model = Quiz
        fields = []


class QuizViewSet(SnippetViewSet):
    model = Quiz
    icon = "form"
    menu_label = "Quizzes"
    list_display = ["title", related_column("course"), "pass_mark", "max_attempts", PublishingStatusColumn()]
    filterset_class = QuizFilterSet

    def get_queryset(self, request):
        return with_status(Quiz.objects.select_related("course"))


class VignetteFilterSet(PublishedContentFilterSet):
    class Meta:
        model = Vignette
        fields = ["quiz", "agency"]


class VignetteViewSet(SnippetViewSet):
    model = Vignette
    icon = "doc-full"
    menu_label = "Vignettes"
    list_display = ["title", related_column("quiz"), related_column("agency"), PublishingStatusColumn()]
    filterset_class = VignetteFilterSet

    def get_queryset(self, request):
        return with_status(Vignette.objects.select_related("quiz", "agency"))


class BandSetViewSet(SnippetViewSet):
    model = BandSet
    icon = "list-ol"
    menu_label = "Traffic-light age bands"
    list_display = ["name", "current"]
    list_filter = ["current"]
    # Band sets are not in the search index: the listing searches their names in the database.
    search_fields = ["name"]
    search_backend_name = None


class BehaviourFilterSet(PublishedContentFilterSet):
    class Meta:
        model = Behaviour
        fields = ["colour", "practice", "band"]


class BehaviourViewSet(SnippetViewSet):
    model = Behaviour
    icon = "tick-inverse"
    menu_label = "Traffic-light behaviours"
    list_display = ["text", related_column("band"), "colour", "practice", PublishingStatusColumn()]
    filterset_class = BehaviourFilterSet

    def get_queryset(self, request):
        return with_status(Behaviour.objects.select_related("band__band_set"))


class QuizzesViewSetGroup(SnippetViewSetGroup):
    menu_icon = "form"
    menu_label = "Quizzes"
    menu_name = "quizzes"

    def __init__(self):
        # The kinds are read when the group is registered, once every app is loaded.
        kind_viewsets = tuple(
            kind.viewset() or question_viewset(kind.model, kind.icon) for kind in kinds.all_kinds()
        )
        self.items = (QuizViewSet, VignetteViewSet, *kind_viewsets, BandSetViewSet, BehaviourViewSet)
        super().__init__()
