from django.db import models
from wagtail.admin.panels import FieldPanel

from quizzes.models import Question


class NumberQuestion(Question):
    """How many? The learner types a whole number."""

    type_code = "number"
    type_label = "Number"
    answer = models.IntegerField()
    panels = Question.common_panels + [FieldPanel("answer")] + Question.explanation_panels

    class Meta:
        verbose_name = "number question"
