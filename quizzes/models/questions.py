"""Questions: one polymorphic base with a subclass per type.

The base keeps a plain ForeignKey to its quiz and an explicit `sort_order` shared by all
types (a ParentalKey here would let publishing a quiz delete and re-create questions, and
with them learners' answers). Each type's parts (options, observations, steps, pairs) are
modelcluster children so one admin form edits a question and its parts together.

Each type's model is declared here, where Django finds models; everything else about the
type (its snapshot, answer reading, marking, templates, admin, checks and interchange) is
in its kind module, `quizzes/kinds/<type_code>.py`. A snapshot (`quizzes.snapshots`) turns
a question into plain data: what the learner is shown and what counts as right. Attempts
store it, so editing a question later never changes a past result.
"""

from django.db import models
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from polymorphic.models import PolymorphicModel
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable
from wagtail.search import index

from cms.blocks import INDICATOR_CATEGORIES
from cms.models.workflows import PublishedContent
from quizzes.models.quizzes import Difficulty


class QuestionTag(TaggedItemBase):
    content_object = ParentalKey("quizzes.Question", on_delete=models.CASCADE, related_name="tagged_items")


class Question(PublishedContent, PolymorphicModel, ClusterableModel, index.Indexed):
    type_code = ""
    type_label = ""

    quiz = models.ForeignKey("quizzes.Quiz", on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(max_length=80, help_text="Stable identifier within the quiz.")
    sort_order = models.PositiveSmallIntegerField(default=0, help_text="Position in the quiz.")
    vignette = models.ForeignKey(
        "quizzes.Vignette", null=True, blank=True, on_delete=models.SET_NULL, related_name="questions"
    )
    text = models.TextField("question")
    image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    explanation = models.TextField(
        blank=True,
        help_text="Why the right answer is right: the indicator, the traffic-light reasoning "
        "or the procedure and timescale.",
    )
    chapter = models.ForeignKey(
        "cms.ChapterPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The toolkit chapter that covers this.",
    )
    category = models.CharField("indicator category", max_length=25, blank=True, choices=INDICATOR_CATEGORIES)
    points = models.PositiveSmallIntegerField(default=1)
    difficulty = models.CharField(max_length=10, choices=Difficulty.choices, default=Difficulty.MEDIUM)
    age_band = models.ForeignKey(
        "quizzes.AgeBand",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The age band of the child it is about, if any (for the quiz's pools).",
    )
    tags = ClusterTaggableManager(through=QuestionTag, blank=True)

    common_panels = [
        FieldPanel("quiz"),
        FieldRowPanel([FieldPanel("sort_order"), FieldPanel("points"), FieldPanel("key")]),
        FieldPanel("vignette"),
        FieldPanel("text"),
        FieldPanel("image"),
    ]
    explanation_panels = [
        MultiFieldPanel(
            [
                FieldPanel("explanation"),
                FieldPanel("chapter"),
                FieldRowPanel([FieldPanel("category"), FieldPanel("difficulty"), FieldPanel("age_band")]),
                FieldPanel("tags"),
            ],
            heading="Feedback and filing",
        ),
    ]

    search_fields = [
        index.SearchField("text"),
        index.SearchField("explanation"),
        index.AutocompleteField("text"),
        index.AutocompleteField("explanation"),
        index.FilterField("text"),
        index.FilterField("quiz"),
        index.FilterField("sort_order"),
        index.FilterField("category"),
        index.FilterField("difficulty"),
        index.RelatedFields("quiz", [index.RelatedFields("course", [index.FilterField("agency")])]),
        index.FilterField("id"),
        index.FilterField("live"),
    ]

    class Meta:
        ordering = ["quiz_id", "sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["quiz", "key"], name="unique_question_key_in_quiz"),
            models.CheckConstraint(condition=models.Q(points__gte=1), name="question_points_positive"),
        ]

    def __str__(self):
        return self.text[:80]

    def base_snapshot(self):
        return {
            "type": self.type_code,
            "key": self.key,
            "text": self.text,
            "explanation": self.explanation,
            "points": self.points,
            "category": self.category,
            "vignette": (
                {"title": self.vignette.title, "text": self.vignette.text} if self.vignette_id else None
            ),
            "chapter": ({"title": self.chapter.title, "url": self.chapter.url} if self.chapter_id else None),
            "image": ({"url": self.image.file.url, "alt": self.image.title} if self.image_id else None),
        }


class SingleChoiceQuestion(Question):
    type_code = "single_choice"
    type_label = "Single choice"
    panels = (
        Question.common_panels
        + [InlinePanel("options", label="Options", min_num=2)]
        + Question.explanation_panels
    )

    class Meta:
        verbose_name = "single choice question"


class MultipleResponseQuestion(Question):
    type_code = "multiple_response"
    type_label = "Multiple response"
    panels = SingleChoiceQuestion.panels

    class Meta:
        verbose_name = "multiple response question"


class TrueFalseQuestion(Question):
    type_code = "true_false"
    type_label = "True or false"
    correct = models.BooleanField("the statement is true", default=True)
    panels = Question.common_panels + [FieldPanel("correct")] + Question.explanation_panels

    class Meta:
        verbose_name = "true or false question"


class TrafficLightQuestion(Question):
    type_code = "traffic_light"
    type_label = "Traffic light"
    behaviour = models.ForeignKey("quizzes.Behaviour", on_delete=models.PROTECT, related_name="+")
    panels = Question.common_panels + [FieldPanel("behaviour")] + Question.explanation_panels

    class Meta:
        verbose_name = "traffic light question"


class TrafficLightSortQuestion(Question):
    type_code = "traffic_light_sort"
    type_label = "Sort into the traffic light"
    band = models.ForeignKey("quizzes.AgeBand", on_delete=models.PROTECT, related_name="+")
    behaviours = models.ManyToManyField(
        "quizzes.Behaviour", related_name="+", help_text="Behaviours of this age band to sort."
    )
    panels = (
        Question.common_panels + [FieldPanel("band"), FieldPanel("behaviours")] + Question.explanation_panels
    )

    class Meta:
        verbose_name = "sort into the traffic light question"


class SpotIndicatorsQuestion(Question):
    type_code = "spot_indicators"
    type_label = "Spot the indicators"
    panels = (
        Question.common_panels
        + [InlinePanel("observations", label="Observations", min_num=2)]
        + Question.explanation_panels
    )

    class Meta:
        verbose_name = "spot the indicators question"


class OrderQuestion(Question):
    type_code = "order"
    type_label = "Put in order"
    panels = (
        Question.common_panels
        + [InlinePanel("steps", label="Steps, in the right order", min_num=2)]
        + Question.explanation_panels
    )

    class Meta:
        verbose_name = "put in order question"


class MatchingQuestion(Question):
    type_code = "matching"
    type_label = "Matching"
    panels = (
        Question.common_panels
        + [InlinePanel("pairs", label="Pairs", min_num=2)]
        + Question.explanation_panels
    )

    class Meta:
        verbose_name = "matching question"


class Option(Orderable):
    question = ParentalKey(Question, on_delete=models.CASCADE, related_name="options")
    text = models.CharField(max_length=300)
    correct = models.BooleanField(default=False)
    feedback = models.CharField(max_length=300, blank=True)

    panels = [FieldPanel("text"), FieldPanel("correct"), FieldPanel("feedback")]


class Observation(Orderable):
    question = ParentalKey(Question, on_delete=models.CASCADE, related_name="observations")
    text = models.CharField(max_length=300)
    category = models.CharField(max_length=25, choices=INDICATOR_CATEGORIES)
    indicator = models.BooleanField("is an indicator of possible abuse", default=True)

    panels = [FieldPanel("text"), FieldPanel("category"), FieldPanel("indicator")]


class OrderStep(Orderable):
    question = ParentalKey(Question, on_delete=models.CASCADE, related_name="steps")
    text = models.CharField(max_length=300)
    timescale = models.CharField(max_length=120, blank=True)

    panels = [FieldPanel("text"), FieldPanel("timescale")]


class MatchPair(Orderable):
    question = ParentalKey(Question, on_delete=models.CASCADE, related_name="pairs")
    term = models.CharField(max_length=120)
    definition = models.CharField(max_length=400)

    panels = [FieldPanel("term"), FieldPanel("definition")]
