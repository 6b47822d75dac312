"""Attempts and responses: immutable history.

An attempt keeps the questions as they were when it started (their snapshots) and is
marked against those, so an editor's later change to a question never alters a past
answer, score or explanation. Attempt and answers alike keep a snapshot as a reference to
the question's version, stored once however many attempts showed it, and the attempt's own
part ids."""

from functools import cached_property

from django.conf import settings
from django.db import models

from quizzes.snapshots import digest, join, split


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
    drawn = models.JSONField(
        help_text="The questions drawn for this attempt, in the order shown: [question version id, "
        "the attempt's opaque part ids] for each (`questions` puts them together)."
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

    @cached_property
    def versions(self):
        """The question versions this attempt shows, in order, read in one query."""
        found = QuestionVersion.objects.in_bulk([version for version, _ in self.drawn])
        return [found[version] for version, _ in self.drawn]

    @cached_property
    def questions(self):
        """The question snapshots this attempt shows, in order, with its own part ids."""
        parts = [ids for _, ids in self.drawn]
        return [join(version.snapshot, ids) for version, ids in zip(self.versions, parts, strict=True)]


class QuestionVersionManager(models.Manager):
    use_in_migrations = True  # the migration that moves earlier answers stores versions the same way

    def store(self, snapshots):
        """The versions of `snapshots` ((shared snapshot, question id or None) pairs, see
        `quizzes.snapshots.split`), in order, made where missing, in two queries.

        Safe when two attempts at once need the same new version: the insert skips a digest
        that exists (ON CONFLICT DO NOTHING on PostgreSQL, waiting for a transaction that is
        writing it), and the rows are read back afterwards. Digests are inserted in sorted
        order, so two transactions never wait on each other's rows in opposite orders."""
        wanted = {digest(shared): (shared, question_id) for shared, question_id in snapshots}
        self.bulk_create(
            [
                self.model(digest=key, snapshot=shared, question_id=question_id)
                for key, (shared, question_id) in sorted(wanted.items())
            ],
            ignore_conflicts=True,
        )
        found = self.in_bulk(list(wanted), field_name="digest")
        return [found[digest(shared)] for shared, _ in snapshots]

    def drawn(self, shown):
        """What an attempt keeps of the question snapshots it shows (`Attempt.drawn`): each
        one's version, stored once, and its own part ids. A version links to its question
        while the question exists."""
        halves = [split(snapshot) for snapshot in shown]
        asked = {snapshot.get("question_id") for snapshot in shown}
        questions = self.model._meta.get_field("question").related_model.objects
        existing = set(questions.filter(pk__in=asked - {None}).values_list("pk", flat=True))
        versions = self.store(
            [
                (shared, snapshot.get("question_id") if snapshot.get("question_id") in existing else None)
                for snapshot, (shared, _) in zip(shown, halves, strict=True)
            ]
        )
        return [[version.pk, ids] for version, (_, ids) in zip(versions, halves, strict=True)]


class QuestionVersion(models.Model):
    """A question as answers saw it, stored once for every answer that saw the same content.

    The snapshot is the attempt's (text, parts, what counted as right, explanation) with each
    part id emptied: attempts give their parts random ids (`quizzes.draws.opaque`), which each
    answer keeps itself (`Response.part_ids`). The question link is lost if the question is
    deleted; the version, like the answers that refer to it, is never changed."""

    digest = models.CharField(
        max_length=64, unique=True, help_text="SHA-256 of the snapshot's canonical JSON."
    )
    question = models.ForeignKey(
        "quizzes.Question", null=True, blank=True, on_delete=models.SET_NULL, related_name="versions"
    )
    snapshot = models.JSONField()

    objects = QuestionVersionManager()

    def __str__(self):
        return f"{self.snapshot.get('text', '')[:60]} ({self.digest[:8]})"


class Response(models.Model):
    """One answer: the learner's raw answer, the question as it was (its version and the part
    ids of this attempt: `shown_snapshot`), and the mark."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="responses")
    question = models.ForeignKey(
        "quizzes.Question", null=True, blank=True, on_delete=models.SET_NULL, related_name="responses"
    )
    position = models.PositiveSmallIntegerField()
    question_type = models.CharField(max_length=30)
    version = models.ForeignKey(QuestionVersion, on_delete=models.PROTECT, related_name="responses")
    part_ids = models.JSONField(
        default=list, blank=True, help_text="The attempt's ids for the version's parts, in snapshot order."
    )
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

    @cached_property
    def shown_snapshot(self):
        """The question exactly as this attempt showed it, which its answer refers to and
        its mark and explanation are read from. Load `version` with the responses
        (`select_related`) to read many."""
        return join(self.version.snapshot, self.part_ids)


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
