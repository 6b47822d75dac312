from django import template

from courses.scoping import is_lead

register = template.Library()


@register.filter
def sees_reports(user):
    """True for agency leads and the partnership manager (one query, signed-in users only)."""
    return is_lead(user)
