"""What staff may see of content that goes through approval."""

from django import template

register = template.Library()


@register.filter
def published(items):
    """Only the items an approver has published: a block may point at a resource or
    helpline created since and still waiting for approval, which staff must not see yet.
    (A published item with a draft waiting shows its published version: the row is that.)"""
    return [item for item in items if getattr(item, "live", True)]
