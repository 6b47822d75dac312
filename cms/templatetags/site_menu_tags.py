"""The site's main navigation, to which the apps built on cms add their own items."""

from django import template
from django.utils.safestring import mark_safe
from wagtail import hooks

register = template.Library()

# A function registered for this hook takes the request and returns the HTML of the list items
# to add (courses adds sign-in, My learning and the rest), or "" for none: as Wagtail's own
# `insert_*` hooks, so cms needs no override through INSTALLED_APPS order.
HOOK = "insert_site_menu_items"


@register.simple_tag(takes_context=True)
def site_menu_items(context):
    # No request on a page rendered outside one (the server error page): hooks get None.
    request = context.get("request")
    return mark_safe("".join(hook(request) for hook in hooks.get_hooks(HOOK)))
