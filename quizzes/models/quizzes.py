from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable, PreviewableMixin
from wagtail.search import index

from cms.blocks import INDICATOR_CATEGORIES
from cms.models.workflows import PublishedContent
from quizzes import kinds
from quizzes.admin_forms import QuizForm
from quizzes.pools import NO_CATEGORY
from quizzes.snapshots import quiz_snapshots


class Review(models.TextChoices):
    """What a learner sees of her marked attempt (Moodle's review options, simplified)."""

    SCORE = "score", "Her score only"
    WRONG = "wrong", "Her score, the questions she got wrong and what each tests, not the right answers"
    EVERYTHING = "everything", "Everything: every answer, the right answers and the explanations"


class Difficulty(models.TextChoices):
    EASY = "easy", "Easy: recall a key fact"
    MEDIUM = "medium", "Medium: apply it to a case"
    HARD = "hard", "Hard: weigh competing signs or a subtle point of procedure"


class Quiz(PublishedContent, PreviewableMixin, index.Indexed, ClusterableModel):
    """A course's scenario quiz: passing it is one of the course's required activities.

    Each attempt draws its questions from the quiz's pools (`QuizPool`), so no two attempts
    are alike; a quiz without pools shows every question. The same pools give the short
    knowledge check at the start of the course (`knowledge_check_size` questions)."""

    course = models.OneToOneField(
        "courses.CoursePage", null=True, blank=True, on_delete=models.SET_NULL, related_name="quiz"
    )
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    introduction = models.TextField(blank=True)
    pass_mark = models.PositiveSmallIntegerField(default=70, help_text="Percentage needed to pass.")
    max_attempts = models.PositiveSmallIntegerField(
        default=0, help_text="How many attempts a learner has in one enrolment; 0 means no limit."
    )
    knowledge_check_size = models.PositiveSmallIntegerField(
        "knowledge check questions",
        default=0,
        help_text="How many questions the knowledge check at the start of the course draws from the pools "
        "(not pass or fail; answers shown at the end of the course). 0 means no knowledge check.",
    )
    certainty = models.BooleanField(
        "ask how sure",
        default=False,
        help_text="Learners say how sure they are of each answer (certainty-based marking).",
    )
    review_when_failed = models.CharField(
        max_length=10,
        choices=Review.choices,
        default=Review.WRONG,
        help_text="After an attempt that did not pass.",
    )
    review_when_finished = models.CharField(
        max_length=10,
        choices=Review.choices,
        default=Review.EVERYTHING,
        help_text="After she passes, or when she has no attempts left.",
    )

    base_form_class = QuizForm
    panels = [
        FieldPanel("title"),
        FieldPanel("slug"),
        FieldPanel("course"),
        FieldPanel("introduction"),
        FieldRowPanel([FieldPanel("pass_mark"), FieldPanel("max_attempts"), FieldPanel("certainty")]),
        MultiFieldPanel(
            [FieldPanel("review_when_failed"), FieldPanel("review_when_finished")],
            heading="What learners see after marking",
        ),
        MultiFieldPanel(
            [FieldPanel("knowledge_check_size"), InlinePanel("pools", label="Pool")],
            heading="What each attempt draws",
            help_text="Each pool gives an attempt this many questions matching its filters and no "
            "earlier pool's. Keep at least twice as many matching questions as a pool draws. Without "
            "pools, every question is shown.",
        ),
    ]
    search_fields = [
        index.SearchField("title"),
        index.AutocompleteField("title"),
        index.FilterField("title"),
        index.FilterField("course"),
        index.FilterField("pass_mark"),
        index.FilterField("max_attempts"),
        index.RelatedFields("course", [index.FilterField("agency")]),
        index.FilterField("id"),
        index.FilterField("live"),
    ]

    class Meta:
        verbose_name_plural = "quizzes"
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pass_mark__gte=1, pass_mark__lte=100), name="pass_mark_is_a_percentage"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("quizzes:quiz", args=[self.slug])

    def get_preview_template(self, request, mode_name):
        return "quizzes/preview.html"

    def get_preview_context(self, request, mode_name):
        return {"quiz": self, "questions": quiz_snapshots(self)}

    def review_after(self, attempt) -> str:
        """The review option that applies to a marked attempt: the finished one once she has
        passed or has no attempts left, the failed one otherwise."""
        finished = attempt.passed or bool(self.max_attempts and attempt.number >= self.max_attempts)
        return self.review_when_finished if finished else self.review_when_failed


class QuizPool(Orderable):
    """One pool of a quiz's draw: "3 from Physical signs". The filters left blank match any
    question; a pool never takes a question an earlier pool matches."""

    quiz = ParentalKey(Quiz, on_delete=models.CASCADE, related_name="pools")
    label = models.CharField(max_length=120, help_text="What the pool is about, for editors.")
    count = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1)], help_text="Questions it gives each attempt."
    )
    category = models.CharField(
        "indicator category",
        max_length=25,
        blank=True,
        choices=[*INDICATOR_CATEGORIES, (NO_CATEGORY, "No indicator category (procedure, law)")],
    )
    question_type = models.CharField(max_length=30, blank=True, choices=kinds.choices)
    age_band = models.ForeignKey(
        "quizzes.AgeBand", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    agency = models.ForeignKey(
        "cms.Agency", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    difficulty = models.CharField(max_length=10, blank=True, choices=Difficulty.choices)

    panels = [
        FieldRowPanel([FieldPanel("label"), FieldPanel("count")]),
        FieldRowPanel(
            [
                FieldPanel("category"),
                FieldPanel("question_type"),
                FieldPanel("age_band"),
                FieldPanel("agency"),
                FieldPanel("difficulty"),
            ]
        ),
    ]

    class Meta(Orderable.Meta):
        constraints = [models.CheckConstraint(condition=models.Q(count__gte=1), name="pool_draws_something")]

    def __str__(self):
        return f"{self.count} from {self.label}"


class Vignette(PublishedContent, index.Indexed, models.Model):
    """A case from daily work that several questions ask about."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="vignettes")
    key = models.SlugField(max_length=80)
    title = models.CharField(max_length=200)
    text = models.TextField()
    agency = models.ForeignKey(
        "cms.Agency", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    age_band = models.ForeignKey(
        "quizzes.AgeBand", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    panels = [
        FieldPanel("quiz"),
        FieldPanel("title"),
        FieldPanel("text"),
        FieldPanel("agency"),
        FieldPanel("age_band"),
        FieldPanel("key"),
    ]
    search_fields = [
        index.SearchField("title"),
        index.SearchField("text"),
        index.AutocompleteField("title"),
        index.AutocompleteField("text"),
        index.FilterField("title"),
        index.FilterField("quiz"),
        index.FilterField("agency"),
        index.FilterField("id"),
        index.FilterField("live"),
    ]

    class Meta:
        constraints = [models.UniqueConstraint(fields=["quiz", "key"], name="unique_vignette_key")]

    def __str__(self):
        return self.title
