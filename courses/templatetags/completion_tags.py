"""Render what other apps add beside a completion (see `courses.progress.CompletionExtra`)."""

from django import template
from django.utils.safestring import mark_safe

from courses.progress import completion_extras

register = template.Library()

PLACES = {"learner": "learner_template", "staff": "staff_template"}


@register.simple_tag(takes_context=True)
def completion_extras_for(context, place):
    """Each registered extra's template for `place` ("learner" or "staff"), rendered with the
    surrounding context as `{% include %}` would."""
    names = [getattr(extra, PLACES[place]) for extra in completion_extras()]
    engine = context.template.engine
    # Each part is a rendered template, escaped by its own autoescaping.
    return mark_safe("".join(engine.get_template(name).render(context) for name in names if name))
