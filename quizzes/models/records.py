"""Attempts and responses: immutable history.

An attempt stores the questions as they were when it started (their snapshots) and is
marked against those, so an editor's later change to a question never alters a past
answer, score or explanation."""

from django.conf import settings
from django.db import models


class Attempt(models.Model):
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    quiz = models.ForeignKey("quizzes.Quiz", on_delete=models.PROTECT, related_name="attempts")
    enrolment = models.ForeignKey("courses.Enrolment", on_delete=models.PROTECT, related_name="quiz_attempts")
    number = models.PositiveSmallIntegerField(default=1)
    questions = models.JSONField(help_text="The question snapshots, in the order shown.")
    started_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "quiz", "number"], name="unique_attempt_number"),
            models.UniqueConstraint(
                fields=["enrolment", "quiz"],
                condition=models.Q(submitted_at__isnull=True),
                name="one_open_attempt",
            ),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=0, score__lte=100),
                name="attempt_score_is_a_percentage",
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
