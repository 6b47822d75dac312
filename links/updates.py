"""A link that has moved permanently, updated everywhere it is used, through the workflow.

Nothing changes on the live site: each object using the old address gets a new draft
revision with the final address, submitted to its approval workflow in the name of the
editor who asked. An approver then sees the change like any other and publishes it (or
not). An object already in moderation, or locked by someone else, is left alone with a
reason, so the update never tramples someone's work under review.
"""

import html
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from .models import Status
from .uses import edit_url, load_objects, title_of


class CannotUpdate(Exception):
    """The link is not one that can be updated (not a permanent redirect)."""


@dataclass
class Outcome:
    title: str
    edit_url: str
    updated: bool
    reason: str = ""


def _replace(value, old, new):
    """The stored (raw) value with every use of `old` as a URL (a whole string, or an href
    in HTML) replaced by `new`."""
    if isinstance(value, dict):
        return {key: _replace(item, old, new) for key, item in value.items()}
    if isinstance(value, list):
        return [_replace(item, old, new) for item in value]
    if isinstance(value, str):
        if value.strip() == old:
            return new
        for quote_mark in ('"', "'"):
            for old_form, new_form in ((old, new), (html.escape(old), html.escape(new))):
                value = value.replace(
                    f"href={quote_mark}{old_form}{quote_mark}", f"href={quote_mark}{new_form}{quote_mark}"
                )
        return value
    return value


def replace_in_page(page, old, new):
    """Replace the URL in a (specific) page's StreamFields and rich text fields, in memory;
    True if anything changed."""
    changed = False
    for model_field in type(page)._meta.get_fields():
        if isinstance(model_field, StreamField):
            raw = list(getattr(page, model_field.name).raw_data)
            replaced = _replace(raw, old, new)
            if replaced != raw:
                setattr(page, model_field.name, replaced)
                changed = True
        elif isinstance(model_field, RichTextField):
            text = getattr(page, model_field.name) or ""
            replaced = _replace(text, old, new)
            if replaced != text:
                setattr(page, model_field.name, replaced)
                changed = True
    return changed


def user_can_edit(user, obj):
    if isinstance(obj, Page):
        return obj.permissions_for_user(user).can_edit()
    viewset = getattr(obj, "snippet_viewset", None)
    return viewset is not None and viewset.permission_policy.user_has_permission_for_instance(
        user, "change", obj
    )


def why_not(user, obj):
    """Why the user may not update this object now, or "" if she may."""
    if not hasattr(obj, "save_revision") or not hasattr(obj, "get_workflow"):
        return "It has no approval workflow: change it on its editing screen."
    if not user_can_edit(user, obj):
        return "You do not have permission to edit it."
    if obj.workflow_in_progress:
        return "It is already waiting for approval: change it there, or wait until it is approved."
    lock = obj.get_lock()
    if lock is not None and lock.for_user(user):
        locked_by = getattr(obj, "locked_by", None)
        who = (locked_by.get_full_name() or locked_by.get_username()) if locked_by else "someone else"
        return f"It is locked by {who}."
    if obj.get_workflow() is None:
        return "It has no approval workflow: change it on its editing screen."
    return ""


def update_object(obj, old, new, user):
    """Draft the new URL on the object's latest revision and submit it; True if anything
    changed."""
    draft = obj.get_latest_revision_as_object()
    if isinstance(obj, Page):
        if not replace_in_page(draft, old, new):
            return False
    else:
        if (getattr(draft, "url", "") or "").strip() != old:
            return False
        draft.url = new
    with transaction.atomic():
        draft.save_revision(user=user, log_action=True)
        obj.get_workflow().start(draft, user)
    return True


def update_to_final_url(link, user):
    """Submit the move from `link.url` to `link.final_url` for every object that uses it;
    returns an Outcome for each."""
    if link.status != Status.REDIRECTED or not link.final_url:
        raise CannotUpdate("Only a link that has moved permanently can be updated to where it moved.")
    uses = list(link.uses.all())
    objects = load_objects((use.content_type_id, use.object_id) for use in uses)
    outcomes = []
    for obj in {id(obj): obj for obj in objects.values()}.values():
        reason = why_not(user, obj)
        if not reason:
            try:
                if not update_object(obj, link.url, link.final_url, user):
                    reason = "Its latest version no longer uses this link."
            except ValidationError as error:
                reason = "Its latest version cannot be saved: " + " ".join(error.messages)
        outcomes.append(Outcome(title_of(obj), edit_url(obj), updated=not reason, reason=reason))
    return outcomes
