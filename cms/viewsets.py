"""Admin screens for the toolkit's shared pieces, grouped under one "Toolkit" menu, and the
listing pieces every content snippet shares: its publishing status (a column and a filter
that know about changes awaiting approval) and its owner.

Every filter here works with a search too: the database search backend runs the filtered
queryset, but first checks that each filtered column is an `index.FilterField` of the model,
so every filter names a plain column (or a column through a `RelatedFields`) and nothing else.
"""

import django_filters
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import models
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.dateformat import format as format_date
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, StatusTagColumn
from wagtail.models import WorkflowState
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from cms.dates import add_months
from cms.local_contacts_admin import LocalContactViewSet
from cms.models import Agency, Helpline, Resource
from cms.roles import CONTENT_APPROVERS, CONTENT_EDITORS
from links.models import Link
from links.models import Status as LinkStatus

LIVE, DRAFT, IN_MODERATION = "live", "draft", "in_moderation"


def awaiting_approval(model):
    """The ids of `model`'s rows with a change in moderation, as a subquery. A workflow state
    names its object by the base model's content type and the id as text."""
    return (
        WorkflowState.objects.filter(
            base_content_type=model.get_base_content_type(), status=WorkflowState.STATUS_IN_PROGRESS
        )
        .annotate(row_id=Cast("object_id", models.IntegerField()))
        .values("row_id")
    )


def with_status(queryset):
    """Annotate what the status column reads, so the listing asks once for the whole page
    rather than once a row: whether a change is in moderation, and the latest revision
    (the title column shows the latest draft's title)."""
    model = queryset.model
    in_moderation = WorkflowState.objects.filter(
        base_content_type=model.get_base_content_type(),
        status=WorkflowState.STATUS_IN_PROGRESS,
        object_id=Cast(models.OuterRef("pk"), models.CharField()),
    )
    return queryset.select_related("latest_revision").annotate(_in_moderation=models.Exists(in_moderation))


def status_label(obj):
    if getattr(obj, "_in_moderation", False):
        return "In moderation"
    if not obj.live:
        return "Draft"
    return "Live + draft" if obj.has_unpublished_changes else "Live"


class PublishingStatusColumn(StatusTagColumn):
    """Wagtail's live/draft tag, saying also when a change awaits approval. Wagtail's own
    column asks the database about scheduled revisions once a row."""

    def __init__(self, **kwargs):
        super().__init__(
            "publishing_status",
            label="Status",
            accessor=status_label,
            sort_key="live",
            primary=lambda obj: obj.live,
            **kwargs,
        )


class PublishedContentFilterSet(WagtailFilterSet):
    """The status filter every listing of workflow content has."""

    status = django_filters.ChoiceFilter(
        label="Status",
        choices=[(LIVE, "Live"), (DRAFT, "Draft (never published)"), (IN_MODERATION, "In moderation")],
        method="filter_status",
        empty_label="Any",
    )

    def filter_status(self, queryset, name, value):
        if value == LIVE:
            return queryset.filter(live=True)
        if value == DRAFT:
            return queryset.filter(live=False)
        return queryset.filter(id__in=awaiting_approval(queryset.model))


def owners(request):
    """People who may own content: the content groups' members and administrators."""
    return (
        get_user_model()
        .objects.filter(
            models.Q(groups__name__in=[CONTENT_EDITORS, CONTENT_APPROVERS]) | models.Q(is_superuser=True)
        )
        .distinct()
        .order_by("first_name", "last_name", "email")
    )


class ReviewedContentFilterSet(PublishedContentFilterSet):
    """Status, and who owns it: a person or a team."""

    owner_person = django_filters.ModelChoiceFilter(
        label="Owner (person)", queryset=owners, empty_label="Anyone"
    )
    owner_team = django_filters.ModelChoiceFilter(
        label="Owner (team)", queryset=Group.objects.order_by("name"), empty_label="Any team"
    )


def review_status(obj, today=None):
    """The review column: Overdue, "Due 3 March 2027" or Never reviewed (which is due now).
    Due today is not yet overdue, as in the "Due for review" report."""
    if obj.last_reviewed is None:
        return "Never reviewed"
    today = today or timezone.localdate()
    due = add_months(obj.last_reviewed, obj.review_interval_months)
    return "Overdue" if due < today else f"Due {format_date(due, 'j F Y')}"


def link_status(resource):
    """What the link checker last found at the resource's address."""
    status = getattr(resource, "_link_status", None)
    if status is None:
        return LinkStatus.UNCHECKED.label
    label = LinkStatus(status).label
    code = resource._link_code
    if status == LinkStatus.BROKEN and code:
        return f"{label} ({code})"
    return label


def providers():
    return Resource.objects.order_by("provider").values_list("provider", flat=True).distinct()


class ResourceFilterSet(ReviewedContentFilterSet):
    """Filters by the agency's code, not its id: the search backend follows a many-to-many
    relation to the agency's own fields but cannot stop at the link table, so filtering
    by id would break a search within one agency."""

    provider = django_filters.ChoiceFilter(
        label="Provider",
        choices=lambda: [(provider, provider) for provider in providers() if provider],
    )
    paid_membership = django_filters.ChoiceFilter(
        label="Requires paid membership",
        choices=[("true", "Yes"), ("false", "No")],
        method="filter_paid_membership",
    )
    agency = django_filters.ChoiceFilter(
        field_name="agencies__code",
        label="Agency",
        choices=lambda: Agency.objects.values_list("code", "name"),
    )

    class Meta:
        model = Resource
        fields = []

    def filter_paid_membership(self, queryset, name, value):
        return queryset.filter(paid_membership=value == "true")


class ResourceViewSet(SnippetViewSet):
    model = Resource
    icon = "link"
    menu_label = "Resources"
    list_display = [
        "title",
        "provider",
        Column(
            "paid_membership",
            label="Requires paid membership",
            sort_key="paid_membership",
            accessor=lambda resource: "Yes" if resource.paid_membership else "No",
        ),
        Column("link_status", label="Link", accessor=link_status),
        Column("review_status", label="Review", accessor=review_status),
        PublishingStatusColumn(),
    ]
    filterset_class = ResourceFilterSet

    def get_queryset(self, request):
        link = Link.objects.filter(url=models.OuterRef("url"))
        return with_status(Resource.objects.all()).annotate(
            _link_status=models.Subquery(link.values("status")[:1]),
            _link_code=models.Subquery(link.values("http_code")[:1]),
        )


class HelplineFilterSet(ReviewedContentFilterSet):
    class Meta:
        model = Helpline
        fields = []


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
        Column("review_status", label="Review", accessor=review_status),
        PublishingStatusColumn(),
    ]
    filterset_class = HelplineFilterSet

    def get_queryset(self, request):
        return with_status(Helpline.objects.all())


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
