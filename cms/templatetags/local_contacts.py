"""The request's site's local contacts, for the `local_contacts` block."""

from django import template

from cms.models.local_contacts import entries, entries_for_request

register = template.Library()


@register.simple_tag(takes_context=True)
def local_contact_entries(context):
    """Every kind with its live contact or None; read once per request (a page may hold
    several blocks). Without a request (a preview of the block alone) every kind is unset."""
    request = context.get("request")
    return entries_for_request(request) if request is not None else entries({})
