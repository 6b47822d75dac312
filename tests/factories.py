"""Small builders for tests that need their own pages and snippets."""

import itertools

from wagtail.models import Page

from cms.models import ChapterPage, Resource, ToolkitIndexPage

_serial = itertools.count(1)


def make_resources(count, **fields):
    return Resource.objects.bulk_create(
        [
            Resource(
                key=f"test-resource-{next(_serial)}",
                title=f"Test resource {n}",
                provider="Test provider",
                url=f"https://example.org/resource/{n}",
                description="A resource made by a test.",
                **fields,
            )
            for n in range(count)
        ]
    )


def make_chapter(title, resources=(), slug=None, **fields):
    """Publish a chapter under the shipped toolkit with one section listing `resources`."""
    toolkit = ToolkitIndexPage.objects.get()
    chapter = ChapterPage(
        title=title,
        slug=slug or f"test-chapter-{next(_serial)}",
        introduction="A chapter made by a test.",
        source="Test source",
        key_messages=[("message", "A key message.")],
        body=[
            (
                "section",
                {
                    "heading": "Resources",
                    "content": [("resources", {"heading": "Resources", "items": list(resources)})],
                },
            )
        ],
        **fields,
    )
    toolkit.add_child(instance=chapter)
    chapter.save_revision().publish()
    return Page.objects.get(pk=chapter.pk).specific
