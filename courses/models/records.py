"""Learning records: who enrolled, what they did, what they said, and what they completed.

Records never point into editable content in a way an edit could rewrite: a completion
copies the course title, agency and job role it had when it happened.
"""

from django.conf import settings
from django.db import models
from wagtail.admin.panels import FieldPanel


class SurveyPhase(models.TextChoices):
    BEFORE = "before", "Before the course"
    AFTER = "after", "After the course"
    RETROSPECTIVE = "retrospective", "Looking back, before the course"


class DeliveryMode(models.TextChoices):
    """How a person was trained. Enrolments and completions are e-learning or a
    multi-agency session; single-agency training is counted from agencies' returns
    (`training.SingleAgencyReturn`), which name no completion."""

    E_LEARNING = "e_learning", "E-learning"
    SESSION = "session", "Multi-agency session"
    SINGLE_AGENCY = "single_agency", "Single-agency training"


RECORDED_MODES = [
    (DeliveryMode.E_LEARNING.value, DeliveryMode.E_LEARNING.label),
    (DeliveryMode.SESSION.value, DeliveryMode.SESSION.label),
]


class SurveyItem(models.Model):
    """One statement of the confidence survey. The `code` is stable so reports can follow
    an item when its wording is improved."""

    code = models.SlugField(
        max_length=50,
        unique=True,
        help_text="Stable identifier for reports; keep it when you reword the item.",
    )
    text = models.CharField(max_length=200)
    sort_order = models.PositiveSmallIntegerField(default=0, editable=False)
    active = models.BooleanField(default=True, help_text="Untick to stop asking this item.")

    panels = [FieldPanel("text"), FieldPanel("code"), FieldPanel("active")]

    class Meta:
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return self.text


class Enrolment(models.Model):
    """A learner taking a course once: the first time is cycle 1, each refresher the next.

    While an e-learning enrolment is open (not completed), it is the only open e-learning
    one for that learner and course: the partial unique constraint makes a double click
    safe. A multi-agency session makes its own enrolment (`delivery_mode` "session"), so a
    learner halfway through the e-learning can still attend a session of the course.

    It keeps the agency the learner was in when she started: everything made in it (lesson
    progress, surveys, quiz attempts and the completion) belongs to that agency's lead,
    whichever agency she moves to later.
    """

    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments")
    course = models.ForeignKey("courses.CoursePage", on_delete=models.PROTECT, related_name="enrolments")
    agency = models.ForeignKey("cms.Agency", on_delete=models.PROTECT, related_name="enrolments")
    cycle = models.PositiveSmallIntegerField(default=1)
    delivery_mode = models.CharField(max_length=15, choices=RECORDED_MODES, default=DeliveryMode.E_LEARNING)
    started_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["learner", "course", "cycle"], name="one_enrolment_per_cycle"),
            models.UniqueConstraint(
                fields=["learner", "course"],
                condition=models.Q(completed_at__isnull=True, delivery_mode="e_learning"),
                name="one_open_enrolment_per_course",
            ),
        ]
        indexes = [models.Index(fields=["course", "completed_at"])]

    def __str__(self):
        return f"{self.learner} on {self.course_id} (cycle {self.cycle})"


class LessonProgress(models.Model):
    """A lesson a learner has finished in one enrolment."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="progress")
    lesson = models.ForeignKey("courses.LessonPage", on_delete=models.CASCADE, related_name="+")
    completed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "lesson"], name="one_progress_per_lesson")
        ]
        verbose_name_plural = "lesson progress"

    def __str__(self):
        return f"Lesson {self.lesson_id} done in enrolment {self.enrolment_id}"


class LessonOpened(models.Model):
    """A lesson a learner has opened in one enrolment. A lesson can be finished only after it
    has been opened, so "finished" means the learner at least had the lesson in front of her.

    Written by the GET of the live lesson page (one row however often she comes back);
    another enrolment, a preview or another person's visit does not count."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="openings")
    lesson = models.ForeignKey("courses.LessonPage", on_delete=models.CASCADE, related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["enrolment", "lesson"], name="one_opening_per_lesson")]
        verbose_name_plural = "lessons opened"

    def __str__(self):
        return f"Lesson {self.lesson_id} opened in enrolment {self.enrolment_id}"


class SurveySubmission(models.Model):
    """The fact that a learner answered the before or the after survey of an enrolment;
    the constraint guarantees once each, whatever the browser does."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="surveys")
    phase = models.CharField(
        max_length=10,
        choices=[
            (SurveyPhase.BEFORE.value, SurveyPhase.BEFORE.label),
            (SurveyPhase.AFTER.value, SurveyPhase.AFTER.label),
        ],
    )
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "phase"], name="one_survey_per_phase"),
            models.CheckConstraint(
                condition=models.Q(phase__in=["before", "after"]), name="survey_phase_is_before_or_after"
            ),
        ]

    def __str__(self):
        return f"{self.get_phase_display()} survey of enrolment {self.enrolment_id}"


class SurveyResponse(models.Model):
    """One rating (1 to 5) of one item, in one phase, for one enrolment.

    The after survey stores two phases: "after" and "retrospective" (how confident the
    learner now thinks they were before), which corrects for over-rating at the start.
    """

    submission = models.ForeignKey(SurveySubmission, on_delete=models.CASCADE, related_name="responses")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="responses")
    item = models.ForeignKey(SurveyItem, on_delete=models.PROTECT, related_name="responses")
    phase = models.CharField(max_length=15, choices=SurveyPhase.choices)
    rating = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "phase", "item"], name="one_rating_per_item_and_phase"
            ),
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="rating_between_1_and_5"
            ),
        ]

    def __str__(self):
        return f"{self.item_id} ({self.phase}): {self.rating}"


class Completion(models.Model):
    """A finished course: the record agency leads count. Written once, never edited.

    It copies what it needs (its enrolment's agency, the job role, course title, dates) so a
    later change of agency, job or course wording does not rewrite history.
    """

    enrolment = models.OneToOneField(Enrolment, on_delete=models.PROTECT, related_name="completion")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="completions"
    )
    course = models.ForeignKey("courses.CoursePage", on_delete=models.PROTECT, related_name="completions")
    agency = models.ForeignKey("cms.Agency", on_delete=models.PROTECT, related_name="completions")
    agency_name = models.CharField(max_length=100)
    job_role = models.CharField(max_length=30)
    job_role_label = models.CharField(max_length=100)
    course_title = models.CharField(max_length=255)
    delivery_mode = models.CharField(max_length=15, choices=RECORDED_MODES, default=DeliveryMode.E_LEARNING)
    completed_at = models.DateTimeField()
    expires_on = models.DateField()
    quiz_score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["agency", "completed_at"]),
            models.Index(fields=["course", "completed_at"]),
            # Each person's latest completion of each course (refreshers due, coverage).
            models.Index(fields=["learner", "course", "completed_at"]),
            # The refreshers due, soonest first: read in expiry order and stopped at a page.
            models.Index(fields=["expires_on"], name="completion_expires_on"),
        ]

    def __str__(self):
        return f"{self.course_title}: {self.learner} ({self.completed_at:%d %b %Y})"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("A completion is a record: it is never edited after it is made.")
        super().save(*args, **kwargs)
