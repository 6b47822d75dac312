"""Where each link is used, as objects an editor can open: the report, the dashboard panel
and the weekly digest all read it.

A `LinkUse` names its object by content type and id. Loading them one by one would cost a
query per use, so the objects of each content type are loaded together (and pages with
Wagtail's `.specific()`, one query per page type): the number of queries depends on how
many kinds of content use the links, never on how many links there are.
"""

from collections import defaultdict
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from django.contrib.admin.utils import quote
from django.contrib.contenttypes.models import ContentType
from django.urls import NoReverseMatch, reverse
from wagtail.models import Page, ReferenceIndex

from .models import LinkUse


@dataclass
class Place:
    """An object that publishes a link (or shows a snippet that does)."""

    object: object
    title: str
    kind: str
    edit_url: str
    field: str = ""
    used_on: list = dataclass_field(default_factory=list)  # Places showing this snippet (reference index)

    @property
    def owner_ids(self):
        return getattr(self.object, "owner_person_id", None), getattr(self.object, "owner_team_id", None)


def title_of(obj):
    if isinstance(obj, Page):
        return obj.get_admin_display_title()
    return getattr(obj, "title", None) or str(obj)


def kind_of(obj):
    return str(type(obj)._meta.verbose_name).capitalize()


def edit_url(obj):
    """The admin screen that edits the object, or "" when it has none. A local contact is
    edited on its partnership's settings screen."""
    if isinstance(obj, Page):
        return reverse("wagtailadmin_pages:edit", args=[obj.pk])
    viewset = getattr(obj, "snippet_viewset", None)
    if viewset is not None:
        return reverse(viewset.get_url_name("edit"), args=[quote(obj.pk)])
    parent = getattr(obj, "setting", None)
    if parent is not None:
        try:
            return reverse(
                "wagtailsettings:edit",
                args=[parent._meta.app_label, parent._meta.model_name, parent.site_id],
            )
        except NoReverseMatch:
            return ""
    return ""


def load_objects(keys):
    """{(content_type_id, object_id): object} for (content_type_id, object_id) pairs; pages
    come as their specific type. Objects deleted since the last collection are left out."""
    by_type = defaultdict(set)
    for content_type_id, object_id in keys:
        by_type[content_type_id].add(str(object_id))
    objects = {}
    page_ids = []
    for content_type_id, ids in by_type.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        if model is None:
            continue
        if issubclass(model, Page):
            page_ids.extend((content_type_id, object_id) for object_id in ids)
            continue
        for obj in model._default_manager.filter(pk__in=ids):
            objects[(content_type_id, str(obj.pk))] = obj
    if page_ids:
        pages = Page.objects.filter(pk__in={object_id for _, object_id in page_ids}).specific()
        by_pk = {str(page.pk): page for page in pages}
        for content_type_id, object_id in page_ids:
            if object_id in by_pk:
                objects[(content_type_id, object_id)] = by_pk[object_id]
    return objects


def place(obj, field_label=""):
    return Place(obj, title_of(obj), kind_of(obj), edit_url(obj), field_label)


def places_for(links, references=True):
    """{link id: [Place, ...]} for links (Link objects with their `uses` prefetched, or
    not). With `references`, each snippet's Place lists where the snippet itself is shown,
    from Wagtail's reference index (a chapter listing a resource)."""
    link_ids = [link.pk for link in links]
    uses = list(
        LinkUse.objects.filter(link_id__in=link_ids).order_by("content_type_id", "object_id", "field")
    )
    objects = load_objects((use.content_type_id, use.object_id) for use in uses)

    shown_on = {}
    if references:
        snippets = {obj for obj in objects.values() if not isinstance(obj, Page) and obj.pk is not None}
        shown_on = _shown_on(snippets)

    result = {link_id: [] for link_id in link_ids}
    for use in uses:
        obj = objects.get((use.content_type_id, use.object_id))
        if obj is None:
            continue
        found = place(obj, use.field)
        found.used_on = shown_on.get(obj, [])
        result[use.link_id].append(found)
    return result


def _shown_on(snippets):
    """{snippet: [Place, ...]} of the objects that show each snippet, by Wagtail's reference
    index, in a fixed number of queries."""
    if not snippets:
        return {}
    references = list(ReferenceIndex.get_references_to_in_bulk(list(snippets)))
    sources = load_objects({(ref.base_content_type_id, ref.object_id) for ref in references})
    result = defaultdict(list)
    by_key = {(ReferenceIndex._get_base_content_type(obj).pk, str(obj.pk)): obj for obj in snippets}
    seen = set()
    for ref in sorted(references, key=lambda ref: (ref.base_content_type_id, ref.object_id)):
        snippet = by_key.get((ref.to_content_type_id, ref.to_object_id))
        source = sources.get((ref.base_content_type_id, ref.object_id))
        if snippet is None or source is None or (snippet, source) in seen:
            continue
        seen.add((snippet, source))
        result[snippet].append(place(source))
    return dict(result)
