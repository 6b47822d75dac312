"""Finds every external address the site publishes and records where each one is used.

Only what staff can see counts: live resources and helplines, the local contacts, and the
live version of every page (a draft's links are checked when it is published). Pages are
read type by type (Wagtail's `.specific()` loads each page type in one query), and their
StreamFields are walked as stored, so collecting costs the same few queries however many
pages there are.
"""

from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from wagtail import blocks
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from .models import Link, LinkUse

SEPARATOR = " › "


def is_external(url):
    return isinstance(url, str) and urlsplit(url.strip()).scheme in ("http", "https")


class _Hrefs(HTMLParser):
    """The href of each <a> that is an external link. Wagtail stores links to pages and
    documents as <a linktype="page" id="3">, with no href, so those never match."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and "linktype" not in attrs and is_external(attrs.get("href")):
            self.hrefs.append(attrs["href"].strip())


def hrefs(html):
    parser = _Hrefs()
    parser.feed(html or "")
    parser.close()
    return parser.hrefs


def walk(block, raw, path):
    """Yield (path, url) for each external URL in a block's stored (raw) value."""
    if isinstance(block, blocks.RichTextBlock):
        for href in hrefs(raw):
            yield path, href
    elif isinstance(block, blocks.URLBlock):
        if is_external(raw):
            yield path, raw.strip()
    elif isinstance(block, blocks.StreamBlock):
        for child in raw or []:
            child_block = block.child_blocks.get(child.get("type"))
            if child_block is not None:
                yield from walk(child_block, child.get("value"), [*path, child["type"]])
    elif isinstance(block, blocks.StructBlock):
        for name, child_block in block.child_blocks.items():
            if isinstance(raw, dict) and name in raw:
                yield from walk(child_block, raw[name], [*path, name])
    elif isinstance(block, blocks.ListBlock):
        for item in raw or []:
            # Stored either as plain values or, since Wagtail 2.16, as {"type": "item", "value": ...}.
            value = item["value"] if isinstance(item, dict) and item.get("type") == "item" else item
            yield from walk(block.child_block, value, path)


def page_urls(page):
    """Yield (field label, url) for each external link in a (specific) page's content."""
    for field in type(page)._meta.get_fields():
        if isinstance(field, StreamField):
            raw = getattr(page, field.name).raw_data
            for path, url in walk(field.stream_block, list(raw), [field.name]):
                yield SEPARATOR.join(path), url
        elif isinstance(field, RichTextField):
            for url in hrefs(getattr(page, field.name)):
                yield field.name, url


def _url_field_uses(model):
    """(object, field label, url) for each published row of a model with a `url` field."""
    rows = model._default_manager.exclude(url="")
    if any(field.name == "live" for field in model._meta.get_fields()):
        rows = rows.filter(live=True)
    label = str(model._meta.get_field("url").verbose_name)
    for pk, url in rows.values_list("pk", "url"):
        if is_external(url):
            yield model, pk, label, url.strip()


def published_uses():
    """Every (model, pk, field label, url) the site publishes now."""
    from cms.models import Helpline, LocalContact, Resource

    for model in (Resource, Helpline, LocalContact):
        yield from _url_field_uses(model)
    for page in Page.objects.live().specific().iterator(chunk_size=500):
        for label, url in page_urls(page):
            yield type(page), page.pk, label, url


def collect():
    """Bring Link and LinkUse in line with what the site publishes; returns the number of
    distinct URLs. Links no longer used anywhere go, with their history."""
    found = set()
    for model, pk, label, url in published_uses():
        if len(url) > Link._meta.get_field("url").max_length:
            continue
        content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
        found.add((url, content_type.pk, str(pk), label[:100]))

    with transaction.atomic():
        urls = {url for url, *_ in found}
        known = dict(Link.objects.values_list("url", "pk"))
        Link.objects.bulk_create([Link(url=url) for url in urls - known.keys()], ignore_conflicts=True)
        if urls - known.keys():
            known = dict(Link.objects.values_list("url", "pk"))
        wanted = {(known[url], ct, pk, label) for url, ct, pk, label in found}

        existing = {
            (link_id, ct, pk, label): use_id
            for use_id, link_id, ct, pk, label in LinkUse.objects.values_list(
                "pk", "link_id", "content_type_id", "object_id", "field"
            )
        }
        stale = [use_id for key, use_id in existing.items() if key not in wanted]
        for start in range(0, len(stale), 500):
            LinkUse.objects.filter(pk__in=stale[start : start + 500]).delete()
        LinkUse.objects.bulk_create(
            [
                LinkUse(link_id=link_id, content_type_id=ct, object_id=pk, field=label)
                for link_id, ct, pk, label in wanted - existing.keys()
            ],
            batch_size=500,
        )
        Link.objects.filter(uses__isnull=True).delete()
    return len(urls)
