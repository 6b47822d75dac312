"""The form editors publish a session with, and the rules a session must keep.

Every rule here protects the people booked: a session cannot be moved into the past, an
online one always has a secure joining link, booking cannot stay open after the start, and
places cannot be cut below the people who already hold one."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from wagtail.admin.forms import WagtailAdminModelForm

from courses.models import JobRole
from training.booking import places_taken
from training.models import TRAINERS, TrainingSession


class TrainingSessionForm(WagtailAdminModelForm):
    job_roles = forms.MultipleChoiceField(
        label="Job roles",
        choices=JobRole.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Leave all unticked for every job role.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trainers"].queryset = (
            get_user_model()
            .objects.filter(groups__name=TRAINERS, is_active=True)
            .order_by("first_name", "last_name", "email")
        )

    def clean_joining_link(self):
        link = self.cleaned_data.get("joining_link", "")
        if link and not link.lower().startswith("https://"):
            raise forms.ValidationError("Enter a joining link that starts with https://")
        return link

    def clean(self):
        cleaned = super().clean()
        self._check_start(cleaned)
        self._check_place(cleaned)
        self._check_booking_window(cleaned)
        self._check_places(cleaned)
        if cleaned.get("cancelled") and not (cleaned.get("cancellation_reason") or "").strip():
            self.add_error(
                "cancellation_reason", "Enter the reason for cancelling: the people booked are told it"
            )
        return cleaned

    def _check_start(self, cleaned):
        """A new session, or an edit that moves one, may not start in the past; an edit that
        leaves the time alone may (a trainer's name corrected after the day)."""
        starts = cleaned.get("starts_at")
        if starts is None or starts > timezone.now():
            return
        before = self.initial.get("starts_at")
        moved = before is None or starts != before.replace(second=0, microsecond=0)  # the field has minutes
        if self.instance.pk is None or moved:
            self.add_error("starts_at", "Enter a start in the future")

    def _check_place(self, cleaned):
        if cleaned.get("mode") == TrainingSession.Mode.IN_PERSON:
            for field, name in (("venue", "venue"), ("address", "address")):
                if not (cleaned.get(field) or "").strip():
                    self.add_error(field, f"Enter the {name} of a face-to-face session")
        elif cleaned.get("mode") == TrainingSession.Mode.ONLINE and not cleaned.get("joining_link"):
            if "joining_link" not in self.errors:
                self.add_error("joining_link", "Enter the joining link of an online session")

    def _check_booking_window(self, cleaned):
        starts = cleaned.get("starts_at")
        opens, closes = cleaned.get("booking_opens_at"), cleaned.get("booking_closes_at")
        deadline = cleaned.get("cancellation_deadline")
        if opens and (closes or starts) and opens >= (closes or starts):
            self.add_error(
                "booking_opens_at",
                "Booking must open before it closes"
                if closes
                else "Booking must open before the session starts",
            )
        if starts and closes and closes > starts:
            self.add_error("booking_closes_at", "Booking must close no later than the start of the session")
        if starts and deadline and deadline > starts:
            self.add_error("cancellation_deadline", "The cancel-by time must be no later than the start")

    def _check_places(self, cleaned):
        capacity = cleaned.get("capacity")
        if capacity is None or self.instance.pk is None:
            return
        taken = places_taken(self.instance)
        if capacity < taken:
            people = "1 person has a place" if taken == 1 else f"{taken} people have places"
            self.add_error("capacity", f"{people}: you cannot make it {capacity}")
