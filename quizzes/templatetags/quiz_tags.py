from django import template

from cms.blocks import INDICATOR_CATEGORIES
from quizzes import kinds
from quizzes.answers import form_data
from quizzes.models.bands import COLOUR_SHAPE

register = template.Library()


@register.simple_tag
def picked(previous, name, value, word="checked"):
    """`checked` (or `selected`) when the re-shown form had `value` for field `name`."""
    if not previous:
        return ""
    return word if str(value) in previous.getlist(name) else ""


@register.simple_tag
def qfield(position, *parts):
    """The form field name for a question at `position`: q3-choice, q3-item-17..."""
    return "-".join([f"q{position}", *map(str, parts)])


@register.filter
def question_template(snapshot):
    """The template that shows a question of this snapshot's kind in the quiz form."""
    return kinds.get(snapshot["type"]).question_template


@register.filter
def feedback_template(snapshot):
    """The template that explains a marked question of this snapshot's kind."""
    return kinds.get(snapshot["type"]).feedback_template


@register.filter
def colour_shape(colour):
    """The shape shown with a traffic-light colour's word ("–" for none)."""
    return COLOUR_SHAPE.get(colour, "–")


@register.filter
def category_label(code):
    """The label of an indicator category ("cse" -> "Child sexual exploitation")."""
    return dict(INDICATOR_CATEGORIES).get(code, code)


@register.filter
def left_blank(response):
    """Whether a marked response had no answer at all (it says "Not answered", not "Not correct")."""
    return not form_data(response.shown_snapshot, response.answer or {}, response.position)
