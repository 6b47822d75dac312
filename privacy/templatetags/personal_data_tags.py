"""The access export keeps dates as ISO 8601 text (privacy.export.when) so the JSON and the
page show the same values; on the page they read as people write them."""

from django import template
from django.utils.dateformat import format as date_format
from django.utils.dateparse import parse_date, parse_datetime

register = template.Library()


@register.filter
def british(value):
    """ "2026-11-21T14:05:00+00:00" as "21 November 2026, 14:05"; a date as "21 November 2026";
    nothing as "None"."""
    if not value:
        return "None"
    moment = parse_datetime(value) if "T" in value else None
    if moment is not None:
        return date_format(moment, "j F Y, H:i")
    day = parse_date(value)
    return date_format(day, "j F Y") if day else value
