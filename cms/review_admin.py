"""Admin screens and hooks for content reviews: the "Due for review" report, its one-click
"Reviewed, no change", the same action on each page and snippet edit screen, the editor's
dashboard panel and the "Reviewed, no change" entry in Wagtail's history."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.middleware.csrf import get_token
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import include, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django.views.defaults import permission_denied
from django_filters import ChoiceFilter
from wagtail import hooks
from wagtail.admin.action_menu import ActionMenuItem as PageActionMenuItem
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.reports import ReportView
from wagtail.signals import page_published, published
from wagtail.snippets.action_menu import ActionMenuItem as SnippetActionMenuItem

from cms import reviews
from cms.models import ReviewDigest
from cms.models.reviews import ReviewedContent
from cms.roles import CONTENT_APPROVERS, CONTENT_EDITORS, is_content_staff

published.connect(reviews.review_on_publish, dispatch_uid="cms.reviews.published")
page_published.connect(reviews.review_on_page_publish, dispatch_uid="cms.reviews.page_published")

PANEL_LIMIT = 10


def owner_choices():
    """People who own something or write content, then teams."""
    User = get_user_model()
    owners = set()
    for model in reviews.reviewed_models():
        owners.update(
            model._default_manager.exclude(owner_person=None).values_list("owner_person", flat=True)
        )
    people = User.objects.filter(
        Q(pk__in=owners) | Q(groups__name__in=[CONTENT_EDITORS, CONTENT_APPROVERS])
    ).distinct()
    person_choices = sorted(
        ((f"person-{user.pk}", user.get_full_name() or user.email) for user in people),
        key=lambda c: c[1].lower(),
    )
    team_choices = [(f"team-{group.pk}", f"{group.name} (team)") for group in Group.objects.order_by("name")]
    return person_choices + team_choices


def owner_from_value(value):
    """The user or group a filter value ("person-3", "team-2") names, or None."""
    kind, _, pk = (value or "").partition("-")
    if not pk.isdigit():
        return None
    if kind == "person":
        return get_user_model().objects.filter(pk=pk).first()
    if kind == "team":
        return Group.objects.filter(pk=pk).first()
    return None


class DueForReviewFilterSet(WagtailFilterSet):
    owner = ChoiceFilter(label="Owner", choices=owner_choices, empty_label="Anyone", method="keep")
    kind = ChoiceFilter(label="Type", choices=reviews.kind_choices, empty_label="All types", method="keep")
    window = ChoiceFilter(
        label="Due",
        choices=[
            ("overdue", "Overdue"),
            ("30", "Overdue or due within 30 days"),
            ("60", "Overdue or due within 60 days"),
        ],
        empty_label="Overdue or due within 60 days",
        method="keep",
    )

    class Meta:
        model = ReviewDigest  # the filters never touch a queryset: due_items reads their values
        fields = []

    def keep(self, queryset, name, value):
        return queryset


class ReviewedButtonColumn(Column):
    cell_template_name = "cms/admin/review_button_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context.get("request")
        context["can_review"] = getattr(instance, "can_review", False)
        context["action_url"] = reverse(
            "cms_reviews:mark_reviewed", args=[instance.content_type_id, instance.object.pk]
        )
        context["next_url"] = request.get_full_path().replace("/results/", "/", 1) if request else ""
        context["csrf_token"] = get_token(request) if request else ""
        return context


class DueForReviewView(ReportView):
    page_title = "Due for review"
    header_icon = "date"
    template_name = "cms/admin/card_report.html"
    table_classname = "listing report-cards"
    index_url_name = "cms_reviews:due_for_review"
    index_results_url_name = "cms_reviews:due_for_review_results"
    filterset_class = DueForReviewFilterSet
    paginate_by = 100
    export_filename = "due-for-review"
    columns = [
        TitleColumn("title", label="Title", get_url=lambda row: row.edit_url),
        Column("type_label", label="Type"),
        Column("owner_label", label="Owner"),
        Column("last_reviewed_label", label="Last reviewed"),
        Column("due_label", label="Due"),
        ReviewedButtonColumn("review", label="Review"),
    ]
    list_export = ["title", "type_label", "owner_label", "last_reviewed", "due", "band", "edit_url"]
    export_headings = {
        "title": "Title",
        "type_label": "Type",
        "owner_label": "Owner",
        "last_reviewed": "Last reviewed",
        "due": "Due",
        "band": "Status",
        "edit_url": "Edit",
    }

    def dispatch(self, request, *args, **kwargs):
        if not is_content_staff(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_filterset_kwargs(self):
        return {**super().get_filterset_kwargs(), "queryset": ReviewDigest.objects.none()}

    def get_queryset(self):
        values = (
            self.filters.form.cleaned_data if self.filters is not None and self.filters.is_valid() else {}
        )
        return reviews.due_items(
            owner=owner_from_value(values.get("owner")),
            kind=values.get("kind") or None,
            within_days=reviews.WINDOWS.get(values.get("window") or "60", 60),
        )

    def filter_queryset(self, queryset):
        return queryset  # due_items has applied the filters

    def to_row_dict(self, item):
        row = super().to_row_dict(item)
        row["edit_url"] = self.request.build_absolute_uri(item.edit_url)
        if row["last_reviewed"] is None:
            row["last_reviewed"] = "Never"
        if row["due"] is None:
            row["due"] = "Never reviewed"
        return row

    def can_review(self, row):
        """Whether the button shows: worked out once per model (snippets) or once for all
        pages, so the rows add no queries."""
        cache = self.__dict__.setdefault("_review_permissions", {})
        model = type(row.object)
        if row.is_page:
            if "pages" not in cache:
                from wagtail.permission_policies.pages import PagePermissionPolicy

                cache["pages"] = set(
                    PagePermissionPolicy()
                    .instances_user_has_permission_for(self.request.user, "change")
                    .values_list("pk", flat=True)
                )
            return row.object.pk in cache["pages"]
        if model not in cache:
            cache[model] = row.object.snippet_viewset.permission_policy.user_has_permission(
                self.request.user, "change"
            )
        return cache[model]

    def decorate_paginated_queryset(self, object_list):
        for row in object_list:
            row.can_review = self.can_review(row)
        return object_list


def safe_next(request, fallback):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


def reviewed_object(content_type_id, object_id):
    try:
        content_type = ContentType.objects.get_for_id(content_type_id)
    except ContentType.DoesNotExist:
        raise Http404 from None
    model = content_type.model_class()
    if model is None or not issubclass(model, ReviewedContent):
        raise Http404
    try:
        return model._default_manager.get(pk=object_id)
    except (model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


@require_http_methods(["GET", "POST"])
def mark_reviewed_view(request, content_type_id, object_id):
    """GET: a confirmation page (the edit screens' menu links here). POST: record the review
    and go back to where the button was, with a message."""
    obj = reviewed_object(content_type_id, object_id)
    if not reviews.can_review(obj, request.user):
        return permission_denied(
            request, PermissionDenied("Only someone who may change it can mark it reviewed.")
        )
    title = getattr(obj, "title", None) or str(obj)
    if request.method == "POST":
        reviews.mark_reviewed(obj, request.user)
        messages.success(request, f"“{title}” marked as reviewed, no change, today.")
        return redirect(safe_next(request, reverse("cms_reviews:due_for_review")))
    return TemplateResponse(
        request,
        "cms/admin/review_confirm.html",
        {
            "object": obj,
            "title": title,
            "page_title": "Reviewed, no change",
            "edit_url": reviews.edit_url(obj),
            "next_url": safe_next(request, reviews.edit_url(obj)),
            "last_reviewed": reviews.format_date(obj.last_reviewed) if obj.last_reviewed else "Never",
        },
    )


@hooks.register("register_admin_urls")
def review_urls():
    urls = [
        path("", DueForReviewView.as_view(), name="due_for_review"),
        path("results/", DueForReviewView.as_view(results_only=True), name="due_for_review_results"),
        path(
            "reviewed/<int:content_type_id>/<str:object_id>/",
            mark_reviewed_view,
            name="mark_reviewed",
        ),
    ]
    return [path("reports/due-for-review/", include((urls, "cms_reviews"), namespace="cms_reviews"))]


class ContentStaffMenuItem(MenuItem):
    """A Reports menu item only the content staff see (the links app's report uses it too)."""

    def is_shown(self, request):
        return is_content_staff(request.user)


@hooks.register("register_reports_menu_item")
def due_for_review_menu_item():
    return ContentStaffMenuItem(
        "Due for review",
        reverse("cms_reviews:due_for_review"),
        name="due-for-review",
        icon_name="date",
        order=50,
    )


@hooks.register("register_log_actions")
def register_reviewed_action(actions):
    actions.register_action(reviews.REVIEWED_ACTION, reviews.REVIEWED_LABEL, reviews.REVIEWED_LABEL)


def mark_url(obj, request):
    content_type = ContentType.objects.get_for_model(type(obj))
    return reverse("cms_reviews:mark_reviewed", args=[content_type.pk, obj.pk]) + "?next=" + request.path


class PageReviewedMenuItem(PageActionMenuItem):
    label = reviews.REVIEWED_LABEL
    name = "action-reviewed"
    icon_name = "tick"

    def is_shown(self, context):
        page = context.get("page")
        return (
            context["view"] == "edit"
            and isinstance(page.specific_deferred if page else None, ReviewedContent)
            and page.live
            and self.get_user_page_permissions_tester(context).can_edit()
        )

    def get_url(self, context):
        return mark_url(context["page"].specific_deferred, context["request"])


class SnippetReviewedMenuItem(SnippetActionMenuItem):
    label = reviews.REVIEWED_LABEL
    name = "action-reviewed"
    icon_name = "tick"

    def is_shown(self, context):
        instance = context.get("instance")
        return (
            context["view"] == "edit"
            and instance is not None
            and getattr(instance, "live", True)
            and reviews.can_review(instance, context["request"].user)
        )

    def get_url(self, context):
        return mark_url(context["instance"], context["request"])


@hooks.register("register_page_action_menu_item")
def page_reviewed_menu_item():
    return PageReviewedMenuItem(order=90)


@hooks.register("register_snippet_action_menu_item")
def snippet_reviewed_menu_item(model):
    if issubclass(model, ReviewedContent):
        return SnippetReviewedMenuItem(order=90)
    return None


class DueForReviewPanel(Component):
    """On the admin home: what she owns (herself, or through a team) that is overdue or due
    within 30 days, the first ten, with the report filtered to her. Nothing when nothing is."""

    name = "due_for_review"
    template_name = "cms/admin/review_panel.html"
    order = 60

    def __init__(self, user):
        self.user = user

    def render_html(self, parent_context=None):
        rows = reviews.due_items(owner=self.user, within_days=30)
        if not rows:
            return ""
        self.rows = rows
        return super().render_html(parent_context)

    def get_context_data(self, parent_context):
        return {
            "rows": self.rows[:PANEL_LIMIT],
            "count": len(self.rows),
            "overdue": sum(1 for row in self.rows if row.band == reviews.OVERDUE),
            "report_url": reverse("cms_reviews:due_for_review") + f"?owner=person-{self.user.pk}&window=30",
        }


@hooks.register("construct_homepage_panels")
def add_due_for_review_panel(request, panels):
    if is_content_staff(request.user):
        panels.append(DueForReviewPanel(request.user))
