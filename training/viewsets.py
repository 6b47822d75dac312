"""The admin screen editors publish training sessions from: a workflow snippet, so a new
session or a change of time or place reaches staff only when an approver publishes it."""

import django_filters
from django import forms
from django.db import models
from django.utils import timezone
from django.utils.dateformat import format as format_date
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.snippets.views.snippets import SnippetViewSet

from cms.viewsets import PublishedContentFilterSet, PublishingStatusColumn, with_status
from courses.models import CoursePage
from training.forms import TrainingSessionForm
from training.models import Booking, TrainingSession

UPCOMING, PAST = "upcoming", "past"


class TrainingSessionFilterSet(PublishedContentFilterSet):
    course = django_filters.ModelChoiceFilter(
        label="Course",
        queryset=lambda request: CoursePage.objects.order_by("title"),
        empty_label="Any course",
    )
    when = django_filters.ChoiceFilter(
        label="When",
        choices=[(UPCOMING, "Upcoming"), (PAST, "Past")],
        method="filter_when",
        empty_label="Any time",
    )

    class Meta:
        model = TrainingSession
        fields = []

    def filter_when(self, queryset, name, value):
        now = timezone.now()
        return (
            queryset.filter(starts_at__gte=now) if value == UPCOMING else queryset.filter(starts_at__lt=now)
        )


def places(session):
    return f"{session._places_taken} of {session.capacity}"


def state(session):
    return "Cancelled" if session.cancelled else "Going ahead"


class TrainingSessionViewSet(SnippetViewSet):
    model = TrainingSession
    icon = "date"
    menu_label = "Training sessions"
    menu_name = "training-sessions"
    add_to_admin_menu = True
    menu_order = 250
    list_display = [
        Column("course", label="Course", accessor=lambda session: session.course.title),
        Column(
            "starts_at",
            label="Starts",
            sort_key="starts_at",
            accessor=lambda session: format_date(timezone.localtime(session.starts_at), "j F Y, H:i"),
        ),
        Column("mode", label="Mode", accessor="get_mode_display"),
        Column("places", label="Places taken", accessor=places),
        Column("cancelled", label="Going ahead", accessor=state),
        PublishingStatusColumn(),
    ]
    filterset_class = TrainingSessionFilterSet
    search_fields = None
    edit_handler = ObjectList(
        [
            FieldPanel("course"),
            MultiFieldPanel(
                [FieldRowPanel([FieldPanel("starts_at"), FieldPanel("duration_minutes")])], "When"
            ),
            MultiFieldPanel(
                [
                    FieldPanel("mode", widget=forms.RadioSelect),
                    FieldPanel("venue"),
                    FieldPanel("address"),
                    FieldPanel("accessibility"),
                    FieldPanel("joining_link"),
                ],
                "Where",
            ),
            MultiFieldPanel(
                [
                    FieldPanel("capacity"),
                    FieldPanel("trainers", widget=forms.CheckboxSelectMultiple),
                    FieldPanel("agencies", widget=forms.CheckboxSelectMultiple),
                    FieldPanel("job_roles"),
                ],
                "Who",
            ),
            MultiFieldPanel(
                [
                    FieldPanel("booking_opens_at"),
                    FieldPanel("booking_closes_at"),
                    FieldPanel("cancellation_deadline"),
                ],
                "Booking",
            ),
            MultiFieldPanel([FieldPanel("cancelled"), FieldPanel("cancellation_reason")], "Cancelling"),
        ],
        base_form_class=TrainingSessionForm,
    )

    def get_queryset(self, request):
        taken = models.Count(
            "bookings", filter=models.Q(bookings__status__in=Booking.HOLDS_PLACE, bookings__walk_in=False)
        )
        return with_status(TrainingSession.objects.select_related("course")).annotate(_places_taken=taken)
