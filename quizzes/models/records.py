"""Attempts and responses: immutable history.

An attempt stores the questions as they were when it started (their snapshots) and is
marked against those, so an editor's later change to a question never alters a past
answer, score or explanation."""

from django.conf import settings
from django.db import models


class Purpose(models.TextChoices):
    QUIZ = "quiz", "End-of-course quiz"
    CHECK = "check", "Knowledge check at the start"


class Certainty(models.IntegerChoices):
    """How sure the learner was (certainty-based marking, levels 1 to 3)."""

    NOT_SURE = 1, "Not sure"
    FAIRLY_SURE = 2, "Fairly sure"
    VERY_SURE = 3, "Very sure"


class Attempt(models.Model):
    """One go at a quiz, or the knowledge check at the start of the course (`purpose`).

    While open it keeps the learner's answers so far (`draft`, the form fields of each
    question by position), so she can turn pages, leave and come back; marking reads them
    once. `seed` is a secret that fixes the order of each question's options for this
    attempt; it never leaves the server."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    quiz = models.ForeignKey("quizzes.Quiz", on_delete=models.PROTECT, related_name="attempts")
    enrolment = models.ForeignKey("courses.Enrolment", on_delete=models.PROTECT, related_name="quiz_attempts")
    purpose = models.CharField(max_length=5, choices=Purpose.choices, default=Purpose.QUIZ)
    number = models.PositiveSmallIntegerField(default=1)
    questions = models.JSONField(
        help_text="The question snapshots drawn for this attempt, in the order shown, with opaque part ids."
    )
    draft = models.JSONField(
        default=dict, blank=True, help_text="Answers so far: {position: {field: [values]}}."
    )
    seed = models.BigIntegerField(default=0)
    started_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(default=False)
    cbm_average = models.DecimalField(
        "certainty-based mark",
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Mean certainty-based mark per point, from -6 to 3; empty when certainty was not asked.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "quiz", "purpose", "number"], name="unique_attempt_number"
            ),
            models.UniqueConstraint(
                fields=["enrolment", "quiz", "purpose"],
                condition=models.Q(submitted_at__isnull=True),
                name="one_open_attempt",
            ),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=0, score__lte=100),
                name="attempt_score_is_a_percentage",
            ),
            models.CheckConstraint(
                condition=models.Q(purpose="quiz") | models.Q(number=1, passed=False),
                name="one_knowledge_check_never_passed",
            ),
        ]
        indexes = [models.Index(fields=["quiz", "submitted_at"])]

    def __str__(self):
        return f"{self.quiz} attempt {self.number} by {self.learner}"


class Response(models.Model):
    """One answer: the learner's raw answer, the question as it was, and the mark."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="responses")
    question = models.ForeignKey(
        "quizzes.Question", null=True, blank=True, on_delete=models.SET_NULL, related_name="responses"
    )
    position = models.PositiveSmallIntegerField()
    question_type = models.CharField(max_length=30)
    snapshot = models.JSONField()
    answer = models.JSONField()
    score = models.DecimalField(
        max_digits=5, decimal_places=4, help_text="Fraction of the question's points earned, 0 to 1."
    )
    points = models.PositiveSmallIntegerField(default=1)
    category = models.CharField(max_length=25, blank=True, help_text="The question's indicator category.")
    certainty = models.PositiveSmallIntegerField(null=True, blank=True, choices=Certainty.choices)

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="one_response_per_position"),
            models.CheckConstraint(
                condition=models.Q(score__gte=0, score__lte=1), name="response_score_fraction"
            ),
        ]

    def __str__(self):
        return f"{self.attempt} question {self.position}"


class AnswerMark(models.Model):
    """A reporting row derived from a response when it is saved (`quizzes.marks`), so
    "what staff miss" is counted by the database instead of by reading every snapshot.
    It carries the attempt as well as the response to save the reports a join."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="+")
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True


class IndicatorMark(AnswerMark):
    """One real indicator shown in a "spot the indicators" answer, and whether it was ticked."""

    category = models.CharField(max_length=25)
    category_label = models.CharField(max_length=100)
    ticked = models.BooleanField()

    def __str__(self):
        return f"{self.category}: {'ticked' if self.ticked else 'missed'}"


class ColourMark(AnswerMark):
    """One traffic-light judgement: the age band, the right colour and the colour chosen
    ("none" when left blank)."""

    band = models.CharField(max_length=100)
    correct = models.CharField(max_length=5)
    chosen = models.CharField(max_length=5)

    def __str__(self):
        return f"{self.band}: {self.correct} answered {self.chosen}"
