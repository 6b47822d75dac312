"""Times in training pages as the session pages and emails write them (9:30am, UK time)."""

from django import template

from training import booking

register = template.Library()


@register.filter
def clock(value) -> str:
    return booking.clock(value) if value else ""


@register.filter
def moment(value) -> str:
    """8 December 2026 at 9:30am."""
    return booking.moment(value) if value else ""
