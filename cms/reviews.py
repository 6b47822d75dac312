"""What is due for review, and the two ways a review is recorded.

Every live page and snippet whose model has `ReviewedContent`'s fields is reviewed content:
the models are found by walking the installed apps, so a model that gains the fields joins
the report, the dashboard and the digest without a change here. A row is due when its last
review plus its interval falls within the window; one never reviewed is overdue. Dates are
the day in Europe/London (`timezone.localdate()`), not UTC.

A review is recorded when an approved change is published (the approver reviewed it) or
when someone who may change the object confirms "reviewed, no change". Both write the two
fields with an UPDATE, not a new revision: nothing in the content changed, so there is
nothing to approve.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.apps import apps
from django.contrib.admin.utils import quote
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import Page, TaskState, WorkflowState

from cms.models.reviews import ReviewedContent

REVIEWED_ACTION = "cms.reviewed"
REVIEWED_LABEL = "Reviewed, no change"

OVERDUE = "Overdue"
DUE_30 = "Due within 30 days"
DUE_60 = "Due within 60 days"
BANDS = [OVERDUE, DUE_30, DUE_60]
WINDOWS = {"overdue": 0, "30": 30, "60": 60}
"""The report's window filter: how many days ahead of today a row may fall due (0: only
what is overdue)."""


def reviewed_models():
    """Every concrete model with the review fields, pages and snippets alike."""
    return [
        model
        for model in apps.get_models()
        if issubclass(model, ReviewedContent) and not model._meta.abstract and not model._meta.proxy
    ]


def type_label(model):
    name = str(model._meta.verbose_name)
    return name[:1].upper() + name[1:]


def kind_choices():
    return sorted(
        ((model._meta.label_lower, type_label(model)) for model in reviewed_models()), key=lambda c: c[1]
    )


def band_for(due, today):
    """The band a due date falls in on `today`, or None when it is further off than 60 days.
    Due today is not yet overdue; never reviewed (None) is."""
    if due is None or due < today:
        return OVERDUE
    if due <= today + timedelta(days=30):
        return DUE_30
    if due <= today + timedelta(days=60):
        return DUE_60
    return None


@dataclass
class DueItem:
    object: object
    type_label: str
    title: str
    owner_label: str
    last_reviewed: date | None
    due: date | None
    band: str
    today: date

    @property
    def is_page(self):
        return isinstance(self.object, Page)

    @property
    def edit_url(self):
        return edit_url(self.object)

    @property
    def last_reviewed_label(self):
        return format_date(self.last_reviewed) if self.last_reviewed else "Never"

    @property
    def due_label(self):
        if self.due is None:
            return "Overdue (never reviewed)"
        if self.due < self.today:
            return f"Overdue since {format_date(self.due)}"
        return format_date(self.due)

    @property
    def content_type_id(self):
        from django.contrib.contenttypes.models import ContentType

        return ContentType.objects.get_for_model(type(self.object)).pk


def format_date(day):
    """ "3 March 2026", as GOV.UK writes dates."""
    return f"{day.day} {day:%B %Y}"


def edit_url(obj):
    if isinstance(obj, Page):
        return reverse("wagtailadmin_pages:edit", args=[obj.pk])
    return reverse(obj.snippet_viewset.get_url_name("edit"), args=[quote(obj.pk)])


def owner_q(owner):
    """Rows owned by `owner`: a Group (the team), or a user (herself, or any team she is in)."""
    if owner is None:
        return Q()
    if isinstance(owner, Group):
        return Q(owner_team=owner)
    return Q(owner_person=owner) | Q(owner_team__in=owner.groups.all())


def due_items(today=None, owner=None, kind=None, within_days=60):
    """The live reviewed content due within `within_days` of `today` (or overdue), most
    overdue first: one query per model, whatever the number of rows. `kind` is a model's
    label ("cms.helpline")."""
    today = today or timezone.localdate()
    horizon = today + timedelta(days=within_days)
    rows = []
    for model in reviewed_models():
        if kind and model._meta.label_lower != kind:
            continue
        queryset = model._default_manager.filter(owner_q(owner)).select_related("owner_person", "owner_team")
        if any(field.name == "live" for field in model._meta.get_fields()):
            queryset = queryset.filter(live=True)
        label = type_label(model)
        for obj in queryset:
            due = obj.review_due
            if due is not None and due > horizon:
                continue
            rows.append(
                DueItem(
                    object=obj,
                    type_label=label,
                    title=getattr(obj, "title", None) or str(obj),
                    owner_label=obj.owner_label,
                    last_reviewed=obj.last_reviewed,
                    due=due,
                    band=band_for(due, today),
                    today=today,
                )
            )
    rows.sort(key=lambda row: (row.due or date.min, row.title.lower()))
    return rows


def can_review(obj, user):
    """Only someone who may change the object may say it needs no change."""
    if not user.is_authenticated or not user.is_active:
        return False
    if isinstance(obj, Page):
        return obj.permissions_for_user(user).can_edit()
    return obj.snippet_viewset.permission_policy.user_has_permission_for_instance(user, "change", obj)


def record_review(obj, user, today=None):
    """Write the review onto the row (and the object in hand) without a revision."""
    today = today or timezone.localdate()
    type(obj)._default_manager.filter(pk=obj.pk).update(last_reviewed=today, last_reviewed_by=user)
    obj.last_reviewed, obj.last_reviewed_by = today, user


def mark_reviewed(obj, user):
    """ "Reviewed, no change": today's date and the user on the row, and an entry in
    Wagtail's history of the object. PermissionDenied for anyone who may not change it."""
    if not can_review(obj, user):
        raise PermissionDenied("You cannot review this.")
    record_review(obj, user)
    log(instance=obj, action=REVIEWED_ACTION, user=user)


def approver_of(obj, revision):
    """Who approved the change being published: the user who finished the approved task on
    this revision (the last one, if several), else whoever wrote the revision."""
    states = WorkflowState.objects.for_instance(obj)
    task = (
        TaskState.objects.filter(
            workflow_state__in=states, status=TaskState.STATUS_APPROVED, revision=revision
        )
        .exclude(finished_by=None)
        .order_by("-finished_at")
        .select_related("finished_by")
        .first()
    )
    if task is not None:
        return task.finished_by
    return revision.user if revision is not None else None


def review_on_publish(sender, instance, revision=None, **kwargs):
    """Publishing an approved snippet change is a review by its approver (Wagtail's
    `published` signal; pages send it too, and are left to `review_on_page_publish`)."""
    if isinstance(instance, ReviewedContent) and not isinstance(instance, Page):
        review_by_publisher(instance, revision)


def review_on_page_publish(sender, instance, revision=None, **kwargs):
    """The same for a page (Wagtail's `page_published`, which sends the specific page)."""
    if isinstance(instance, ReviewedContent):
        review_by_publisher(instance, revision)


def review_by_publisher(instance, revision):
    """A publish by nobody (the content loader, which sets the dates it ships) is no review."""
    reviewer = approver_of(instance, revision)
    if reviewer is not None:
        record_review(instance, reviewer)


def week_starting(day):
    """The Monday of `day`'s week."""
    return day - timedelta(days=day.weekday())


def owned_by(row, user, group_ids):
    obj = row.object
    return obj.owner_person_id == user.pk or (
        obj.owner_team_id is not None and obj.owner_team_id in group_ids
    )
