from django.db import models
from django.urls import reverse
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.models import PreviewableMixin
from wagtail.search import index

from quizzes.snapshots import quiz_snapshots


class Quiz(PreviewableMixin, index.Indexed, models.Model):
    """A course's scenario quiz: passing it is one of the course's required activities."""

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
    shuffle = models.BooleanField(
        default=False, help_text="Show questions in a different order each attempt."
    )

    panels = [
        FieldPanel("title"),
        FieldPanel("slug"),
        FieldPanel("course"),
        FieldPanel("introduction"),
        FieldRowPanel([FieldPanel("pass_mark"), FieldPanel("max_attempts"), FieldPanel("shuffle")]),
    ]
    search_fields = [
        index.SearchField("title"),
        index.AutocompleteField("title"),
        index.FilterField("title"),
        index.FilterField("course"),
        index.FilterField("pass_mark"),
        index.FilterField("max_attempts"),
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


class Vignette(index.Indexed, models.Model):
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
    ]

    class Meta:
        constraints = [models.UniqueConstraint(fields=["quiz", "key"], name="unique_vignette_key")]

    def __str__(self):
        return self.title
