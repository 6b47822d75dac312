"""collect(): every external URL staff can see, and where it is used; nothing unpublished."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.text import slugify
from wagtail import blocks

from cms.models import ChapterPage, Helpline, LocalContact, Resource, ToolkitIndexPage
from links.collect import collect, walk
from links.models import Link, LinkUse

pytestmark = pytest.mark.django_db


def text_section(html):
    return [("section", {"heading": "Links", "content": [("text", html)]})]


def uses_of(url):
    return {
        (use.content_type.model_class(), use.object_id, use.field)
        for use in LinkUse.objects.filter(link__url=url).select_related("content_type")
    }


def make_chapter(title, body, publish=True):
    """A chapter under the shipped toolkit; unless `publish`, saved as a draft and never published."""
    chapter = ChapterPage(
        title=title,
        slug=slugify(title),
        introduction="A draft.",
        source="Test source",
        key_messages=[("message", "A key message.")],
        body=body,
        live=False,
    )
    ToolkitIndexPage.objects.get().add_child(instance=chapter)
    revision = chapter.save_revision()
    if publish:
        revision.publish()
    return ChapterPage.objects.get(pk=chapter.pk)


def test_links_in_rich_text_of_live_pages_only():
    live = make_chapter(
        "Live chapter",
        body=text_section(
            '<p>See <a href="https://example.org/live-guide">the guide</a>, '
            '<a linktype="page" id="3">a chapter</a>, <a href="mailto:a@example.org">email</a> '
            'and <a href="#top">the top</a>.</p>'
        ),
    )
    make_chapter(
        "Draft chapter", text_section('<p><a href="https://example.org/draft-only">x</a></p>'), publish=False
    )
    # a later draft of the live chapter is not published either
    live.body = text_section('<p><a href="https://example.org/unpublished-change">y</a></p>')
    live.save_revision()

    collect()

    assert uses_of("https://example.org/live-guide") == {
        (ChapterPage, str(live.pk), "body › section › content › text")
    }
    assert not Link.objects.filter(
        url__in=["https://example.org/draft-only", "https://example.org/unpublished-change"]
    ).exists()
    assert not Link.objects.exclude(url__startswith="http").exists()  # no mailto:, #top or page links


def test_resources_helplines_and_local_contacts():
    live = Resource.objects.create(
        key="collect-live", title="Live", url="https://example.org/resource", live=True
    )
    Resource.objects.create(
        key="collect-draft", title="Draft", url="https://example.org/never-published", live=False
    )
    helpline = Helpline.objects.create(
        key="collect-line", name="Line", number="0800 000 000", url="https://example.org/line", live=True
    )
    contacts = LocalContact.objects.all()
    if hasattr(LocalContact, "live"):
        contacts = contacts.filter(live=True)
    contact = contacts.first()
    contacts.filter(pk=contact.pk).update(url="https://example.org/front-door")

    collect()

    assert uses_of("https://example.org/resource") == {(Resource, str(live.pk), "link")}
    assert uses_of("https://example.org/line") == {(Helpline, str(helpline.pk), "website")}
    assert uses_of("https://example.org/front-door") == {(LocalContact, str(contact.pk), "web address")}
    assert not Link.objects.filter(url="https://example.org/never-published").exists()


def test_one_link_many_uses_and_sync_on_change():
    url = "https://example.org/shared"
    first = Resource.objects.create(key="shared-1", title="One", url=url, live=True)
    second = Resource.objects.create(key="shared-2", title="Two", url=url, live=True)
    chapter = make_chapter("Shared chapter", body=text_section(f'<p><a href="{url}">shared</a></p>'))
    collect()
    assert Link.objects.filter(url=url).count() == 1
    assert uses_of(url) == {
        (Resource, str(first.pk), "link"),
        (Resource, str(second.pk), "link"),
        (ChapterPage, str(chapter.pk), "body › section › content › text"),
    }
    link_id = Link.objects.get(url=url).pk

    Resource.objects.filter(pk=first.pk).update(url="https://example.org/elsewhere")
    collect()
    assert uses_of(url) == {
        (Resource, str(second.pk), "link"),
        (ChapterPage, str(chapter.pk), "body › section › content › text"),
    }
    assert Link.objects.get(url=url).pk == link_id  # its history kept

    Resource.objects.filter(pk=second.pk).update(live=False)
    chapter.unpublish()
    collect()
    assert not Link.objects.filter(url=url).exists()
    assert uses_of("https://example.org/elsewhere") == {(Resource, str(first.pk), "link")}


def test_collect_is_idempotent():
    collect()
    before = set(LinkUse.objects.values_list("pk", "link__url", "object_id", "field"))
    assert before, "the shipped content publishes external links"
    collect()
    assert set(LinkUse.objects.values_list("pk", "link__url", "object_id", "field")) == before


def test_url_blocks_and_nested_lists_are_walked():
    block = blocks.StreamBlock(
        [
            ("link", blocks.URLBlock()),
            (
                "card",
                blocks.StructBlock(
                    [
                        ("title", blocks.CharBlock()),
                        ("more", blocks.ListBlock(blocks.URLBlock())),
                        ("text", blocks.RichTextBlock()),
                    ]
                ),
            ),
        ]
    )
    raw = [
        {"type": "link", "value": "https://example.org/a", "id": "1"},
        {"type": "link", "value": "", "id": "2"},
        {
            "type": "card",
            "value": {
                "title": "https://not-a-link.example.org",
                "more": [
                    {"type": "item", "value": "https://example.org/b", "id": "3"},
                    "http://example.org/c",
                ],
                "text": '<p><a href="https://example.org/d">d</a></p>',
            },
            "id": "4",
        },
        {"type": "removed-block-type", "value": "https://example.org/ignored"},
    ]
    assert list(walk(block, raw, ["extra"])) == [
        (["extra", "link"], "https://example.org/a"),
        (["extra", "card", "more"], "https://example.org/b"),
        (["extra", "card", "more"], "http://example.org/c"),
        (["extra", "card", "text"], "https://example.org/d"),
    ]


def count_collect_queries():
    ContentType.objects.clear_cache()
    with CaptureQueriesContext(connection) as queries:
        collect()
    return len(queries)


def test_query_count_does_not_grow_with_pages():
    for n in range(3):
        make_chapter(f"Few {n}", body=text_section(f'<p><a href="https://example.org/few/{n}">x</a></p>'))
    collect()  # the first run creates the shipped content's links
    few = count_collect_queries()
    for n in range(12):
        make_chapter(f"Many {n}", body=text_section(f'<p><a href="https://example.org/many/{n}">x</a></p>'))
    collect()
    many = count_collect_queries()
    assert many == few
    assert Link.objects.filter(url__startswith="https://example.org/many/").count() == 12
