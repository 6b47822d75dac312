"""Training the partnership delivers outside the e-learning: multi-agency sessions (in a room
or on a video call) with booking, a waiting list and a register; the returns agencies make
for the training they run themselves; and the follow-up survey that asks, weeks after any
completion, whether practice changed.

A session attended ends in the same records as the e-learning: an `Enrolment` and a
`Completion` with `delivery_mode` "session", so certificates, coverage and every report
count it without knowing where it came from."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from modelcluster.fields import ParentalManyToManyField
from modelcluster.models import ClusterableModel

from cms.models.workflows import PublishedContent
from courses.models import JobRole

TRAINERS = "Trainers"
SHORT_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread on a slide


def new_short_code() -> str:
    return "".join(secrets.choice(SHORT_CODE_ALPHABET) for _ in range(6))


class TrainingSession(PublishedContent, ClusterableModel):
    """A multi-agency session of a course, face to face or online.

    A snippet under the two-person approval like the rest of what staff read: a change of
    time or place reaches the people booked only when it is published (and then they are
    told). `sequence` counts those changes for the iCalendar invitations."""

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", "Face to face"
        ONLINE = "online", "Online"

    course = models.ForeignKey("courses.CoursePage", on_delete=models.PROTECT, related_name="sessions")
    starts_at = models.DateTimeField("starts", help_text="UK time.")
    duration_minutes = models.PositiveSmallIntegerField(
        "length (minutes)", validators=[MinValueValidator(15), MaxValueValidator(8 * 60)]
    )
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.IN_PERSON)
    venue = models.CharField(max_length=120, blank=True)
    address = models.TextField(blank=True)
    accessibility = models.TextField(
        "accessibility", blank=True, help_text="Step-free access, hearing loop, parking, quiet room."
    )
    joining_link = models.URLField(
        "joining link", blank=True, help_text="Online sessions: shown only to people with a place."
    )
    capacity = models.PositiveSmallIntegerField("places", validators=[MinValueValidator(1)])
    trainers = ParentalManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="sessions_training",
        blank=True,
        help_text="People in the Trainers group who take the register.",
    )
    agencies = ParentalManyToManyField(
        "cms.Agency", related_name="+", blank=True, help_text="Leave empty for staff of every agency."
    )
    job_roles = models.JSONField(
        "job roles", default=list, blank=True, help_text="Leave empty for every job role."
    )
    booking_opens_at = models.DateTimeField("booking opens", null=True, blank=True, help_text="Empty: now.")
    booking_closes_at = models.DateTimeField(
        "booking closes", null=True, blank=True, help_text="Empty: when the session starts."
    )
    cancellation_deadline = models.DateTimeField(
        "cancel by", null=True, blank=True, help_text="Empty: until the session starts."
    )
    short_code = models.CharField(max_length=6, unique=True, default=new_short_code, editable=False)
    cancelled = models.BooleanField(default=False)
    cancellation_reason = models.CharField("reason for cancelling", max_length=200, blank=True)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    register_closed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["starts_at"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(capacity__gte=1), name="session_has_places"),
        ]

    def __str__(self):
        return f"{self.course.title}, {timezone.localtime(self.starts_at):%d %B %Y %H:%M}"

    @property
    def ends_at(self):
        return self.starts_at + timedelta(minutes=self.duration_minutes)


class Booking(models.Model):
    """A person's place on a session (or her place in its queue), and, once the trainer has
    taken the register, whether she came.

    Places are counted under a lock on the session row (`training.booking`), so two people
    pressing "Book" for the last place get one place and one waiting-list entry. A person
    holds at most one live booking per session (the partial unique constraint)."""

    class Status(models.TextChoices):
        BOOKED = "booked", "Booked"
        WAITING = "waiting", "On the waiting list"
        OFFERED = "offered", "Offered a place"
        CANCELLED = "cancelled", "Cancelled"
        LAPSED = "lapsed", "Offer not taken up"

    class Attendance(models.TextChoices):
        ATTENDED = "attended", "Attended"
        LATE = "late", "Arrived late"
        LEFT_EARLY = "left_early", "Left early"
        NO_SHOW = "no_show", "Did not attend"

    LIVE = [Status.BOOKED, Status.WAITING, Status.OFFERED]
    HOLDS_PLACE = [Status.BOOKED, Status.OFFERED]
    COMPLETES = [Attendance.ATTENDED, Attendance.LATE]  # left early: present, but not trained

    session = models.ForeignKey(TrainingSession, on_delete=models.PROTECT, related_name="bookings")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bookings")
    agency = models.ForeignKey("cms.Agency", on_delete=models.PROTECT, related_name="+")
    job_role = models.CharField(max_length=30, choices=JobRole.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.BOOKED)
    walk_in = models.BooleanField(default=False)
    booked_at = models.DateTimeField(auto_now_add=True)
    changed_at = models.DateTimeField(auto_now=True)
    offered_until = models.DateTimeField(null=True, blank=True)
    attendance = models.CharField(max_length=10, choices=Attendance.choices, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    marked_at = models.DateTimeField(null=True, blank=True)
    enrolment = models.OneToOneField(
        "courses.Enrolment", on_delete=models.PROTECT, null=True, blank=True, related_name="booking"
    )
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person"],
                condition=models.Q(status__in=["booked", "waiting", "offered"]),
                name="one_live_booking_per_session",
            ),
        ]
        indexes = [models.Index(fields=["session", "status"]), models.Index(fields=["person", "status"])]

    def __str__(self):
        return f"{self.person} on {self.session_id}: {self.get_status_display()}"


class SingleAgencyReturn(models.Model):
    """Training an agency ran for its own staff, as its lead reports it (seed 001: agencies
    report back on single-agency training, its reach and its impact).

    The number trained is either headcounts by job role (`ReturnHeadcount`) or a list of the
    people (`ReturnAttendee`), never both. Editable until the quarter it was delivered in
    closes; then it is the record."""

    class Format(models.TextChoices):
        IN_PERSON = "in_person", "Face to face"
        ONLINE = "online", "Online, live"
        E_LEARNING = "e_learning", "The agency's own e-learning"
        BRIEFING = "briefing", "Team briefing"

    agency = models.ForeignKey("cms.Agency", on_delete=models.PROTECT, related_name="training_returns")
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The partnership course it covered, if any.",
    )
    topic = models.CharField(max_length=200, blank=True)
    delivered_on = models.DateField("date delivered")
    delivery_format = models.CharField("how it was delivered", max_length=12, choices=Format.choices)
    trainer = models.CharField(max_length=120)
    impact = models.CharField(
        "impact on practice", max_length=500, blank=True, help_text="Work details only: no case details."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-delivered_on", "-pk"]
        indexes = [models.Index(fields=["agency", "delivered_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(course__isnull=False) | ~models.Q(topic=""),
                name="return_names_what_was_taught",
            ),
        ]

    def __str__(self):
        return f"{self.topic or self.course_id} ({self.delivered_on:%d %B %Y})"


class ReturnHeadcount(models.Model):
    """How many staff in one job role a single-agency session trained."""

    training_return = models.ForeignKey(
        SingleAgencyReturn, on_delete=models.CASCADE, related_name="headcounts"
    )
    job_role = models.CharField(max_length=30, choices=JobRole.choices)
    number = models.PositiveIntegerField(validators=[MinValueValidator(1), MaxValueValidator(10000)])

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["training_return", "job_role"], name="one_return_headcount_per_job_role"
            )
        ]

    def __str__(self):
        return f"{self.number} × {self.get_job_role_display()}"


class ReturnAttendee(models.Model):
    """One person a single-agency session trained, from the list the lead uploaded. The
    email (when given) is what stops a person being counted twice for the same course."""

    training_return = models.ForeignKey(
        SingleAgencyReturn, on_delete=models.CASCADE, related_name="attendees"
    )
    name = models.CharField(max_length=150)
    email = models.EmailField(blank=True)
    job_role = models.CharField(max_length=30, choices=JobRole.choices)

    class Meta:
        indexes = [models.Index(fields=["email"])]

    def __str__(self):
        return self.name


class MaterialsDistributed(models.Model):
    """Awareness materials the agency handed out with the training (seed 001 asks for the
    numbers of staff who received awareness-raising materials)."""

    class Kind(models.TextChoices):
        BRIEFING = "briefing", "Briefing note"
        LEAFLET = "leaflet", "Leaflet"
        POSTER = "poster", "Poster"
        OTHER = "other", "Other"

    training_return = models.ForeignKey(
        SingleAgencyReturn, on_delete=models.CASCADE, related_name="materials"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    description = models.CharField(max_length=120, blank=True)
    number = models.PositiveIntegerField(validators=[MinValueValidator(1), MaxValueValidator(1000000)])

    class Meta:
        verbose_name_plural = "materials distributed"

    def __str__(self):
        return f"{self.number} × {self.get_kind_display()}"


class FollowUp(models.Model):
    """The impact survey a person is sent some weeks after a completion (the course's
    `follow_up_weeks`): one email and at most one reminder, answered once."""

    class Used(models.TextChoices):
        OFTEN = "often", "Yes, more than once"
        ONCE = "once", "Yes, once"
        NOT_YET = "not_yet", "Not yet: no situation has called for it"
        NO = "no", "No"

    class Change(models.TextChoices):
        NOTICED = "noticed", "I noticed signs or indicators I would have missed before"
        ASKED = "asked", "I asked a child or young person about a worry, or listened differently"
        LEAD = "lead", "I talked to my safeguarding lead sooner"
        REFERRAL = "referral", "I made or supported a referral to children's social care"
        RECORDED = "recorded", "I recorded a concern more clearly"
        TOOL = "tool", "I used the traffic-light tool or another part of the toolkit"
        SHARED = "shared", "I shared what I learned or a resource with colleagues"
        NOTHING = "nothing", "Nothing has changed yet"

    completion = models.OneToOneField(
        "courses.Completion", on_delete=models.PROTECT, related_name="follow_up"
    )
    sent_at = models.DateTimeField()
    reminded_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    used = models.CharField(max_length=10, choices=Used.choices, blank=True)
    confidence_now = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    changes = models.JSONField(default=list, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [models.Index(fields=["answered_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(confidence_now__isnull=True)
                | models.Q(confidence_now__gte=1, confidence_now__lte=5),
                name="follow_up_confidence_1_to_5",
            ),
        ]

    def __str__(self):
        return f"Follow-up of completion {self.completion_id}"
