from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest
from django.utils.functional import cached_property
from wagtail import blocks, hooks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.search import index

from cms.models import Agency, BasePage, ReviewedContent
from courses import activities
from courses.admin_forms import CoursePageForm
from courses.blocks import LessonSectionBlock

DEFAULT_REFRESHER_MONTHS = 36

PAGE_CONTEXT_HOOK = "courses_page_context"
"""Functions registered under this hook name take (page, request) and return extra template
context for a course or lesson page. The learner's progress on the page comes this way from
courses.progress, which is built on these models and so cannot be imported by them."""


def _hooked_context(page: BasePage, request: HttpRequest) -> dict:
    context = {}
    for provide in hooks.get_hooks(PAGE_CONTEXT_HOOK):
        context.update(provide(page, request))
    return context


class CourseIndexPage(BasePage):
    """All courses, filterable by agency (`/courses/?agency=housing`)."""

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["courses.CoursePage"]
    max_count = 1

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        context = super().get_context(request, *args, **kwargs)
        courses = CoursePage.objects.child_of(self).live().select_related("agency").order_by("path")
        agencies = Agency.objects.filter(pk__in=courses.values("agency"))
        chosen = request.GET.get("agency", "")
        if chosen:
            courses = courses.filter(models.Q(agency__code=chosen) | models.Q(agency__isnull=True))
        context.update(courses=courses, agencies=agencies, chosen_agency=chosen)
        return context


class CoursePage(ReviewedContent, BasePage):
    """A course: the multi-agency core course, or an agency's module.

    What a learner must do to complete it is data (`required_activities`): codes from the
    activity registry, which other apps extend (the quiz app adds "pass the quiz"), so no
    course needs code of its own.
    """

    agency = models.ForeignKey(
        "cms.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="courses",
        help_text="Leave blank for a multi-agency course.",
    )
    outcomes = StreamField(
        [("outcome", blocks.CharBlock(max_length=250))],
        blank=True,
        help_text="What learners will be able to do by the end.",
    )
    estimated_minutes = models.PositiveSmallIntegerField(default=60)
    refresher_months = models.PositiveSmallIntegerField(
        default=DEFAULT_REFRESHER_MONTHS,
        help_text="How long a completion stays current before a refresher is due.",
    )
    required_activities = models.JSONField(
        default=activities.default_codes,
        help_text="What a learner must do to complete the course.",
    )
    prerequisite = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Learners must have completed this course before they can start this one.",
    )
    follow_up_weeks = models.PositiveSmallIntegerField(
        "follow-up survey after (weeks)",
        default=12,
        help_text="Weeks after each completion (of any kind) that the learner is asked whether she "
        "has used what she learned.",
    )
    source = models.CharField(max_length=500, blank=True)

    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.LessonPage"]
    base_form_class = CoursePageForm

    content_panels = BasePage.content_panels + [
        FieldPanel("agency"),
        FieldPanel("outcomes"),
        MultiFieldPanel(
            [
                FieldPanel("estimated_minutes"),
                FieldPanel("refresher_months"),
                FieldPanel("required_activities"),
                FieldPanel("prerequisite"),
                FieldPanel("follow_up_weeks"),
            ],
            heading="Completion",
        ),
        FieldPanel("source"),
    ]
    settings_panels = BasePage.settings_panels + ReviewedContent.review_panels
    search_fields = BasePage.search_fields + [index.SearchField("outcomes")]

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(refresher_months__gte=1), name="refresher_at_least_a_month"
            ),
            models.CheckConstraint(
                condition=models.Q(follow_up_weeks__gte=1, follow_up_weeks__lte=104),
                name="follow_up_within_two_years",
            ),
        ]

    def clean(self) -> None:
        super().clean()
        activities.validate_codes(self.required_activities)
        self._validate_prerequisite()

    def _validate_prerequisite(self) -> None:
        """Not itself, nor a course that (through its own prerequisites) requires this one:
        either would leave a course nobody can start."""
        seen, course = set(), self.prerequisite
        while course is not None and course.pk not in seen:
            if self.pk is not None and course.pk == self.pk:
                message = (
                    "A course cannot require itself."
                    if course.pk == self.prerequisite_id
                    else f"“{self.prerequisite.title}” already requires this course."
                )
                raise ValidationError({"prerequisite": message})
            seen.add(course.pk)
            course = course.prerequisite

    @cached_property
    def lessons(self) -> list["LessonPage"]:
        return list(LessonPage.objects.child_of(self).live().order_by("path").defer("body"))

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        context = super().get_context(request, *args, **kwargs)
        context.update(_hooked_context(self, request))  # the learner's "status" on the course
        context["required_labels"] = [
            activities.get(code).label for code in self.required_activities if code in activities.codes()
        ]
        return context


class LessonPage(ReviewedContent, BasePage):
    """One lesson of a course; its body reuses the toolkit's blocks and can show toolkit
    sections."""

    estimated_minutes = models.PositiveSmallIntegerField(default=10)
    body = StreamField([("section", LessonSectionBlock())])

    parent_page_types = ["courses.CoursePage"]
    subpage_types = []

    content_panels = BasePage.content_panels + [FieldPanel("estimated_minutes"), FieldPanel("body")]
    settings_panels = BasePage.settings_panels + ReviewedContent.review_panels
    search_fields = BasePage.search_fields + [index.SearchField("body")]

    @cached_property
    def course(self) -> "CoursePage":
        return CoursePage.objects.get(pk=self.get_parent().pk)

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        context = super().get_context(request, *args, **kwargs)
        context["course"] = self.course
        context.update(_hooked_context(self, request))  # the learner's journey through the course
        return context
