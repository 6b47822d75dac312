from django.db import models
from wagtail.admin.panels import FieldPanel, HelpPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.blocks import ChapterContentBlock, KeyMessageBlock, SectionBlock
from cms.models.reviews import ReviewedContent


class BasePage(Page):
    """What every public page of the site shares: a short introduction for listings and
    search results. Abstract, so each page type keeps its own table."""

    introduction = models.TextField(blank=True, help_text="One to three plain sentences.")

    content_panels = Page.content_panels + [FieldPanel("introduction")]
    search_fields = Page.search_fields + [index.SearchField("introduction")]

    class Meta:
        abstract = True


class HomePage(BasePage):
    """The site's front door: what the hub is, and the ways in."""

    body = StreamField(ChapterContentBlock(), blank=True)

    content_panels = BasePage.content_panels + [FieldPanel("body")]
    search_fields = BasePage.search_fields + [index.SearchField("body")]

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["toolkit"] = ToolkitIndexPage.objects.live().descendant_of(self).first()
        return context


class ToolkitIndexPage(BasePage):
    """The CSA toolkit: lists its chapters in the editors' order."""

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.ChapterPage"]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["chapters"] = (
            ChapterPage.objects.child_of(self)
            .live()
            .order_by("path")
            .only("title", "url_path", "introduction", "slug")
        )
        return context


class ChapterPage(ReviewedContent, BasePage):
    """One chapter of the toolkit.

    The body is a list of sections so every chapter has the same shape: an introduction,
    its key messages, then titled sections (each with its own contents link) holding text,
    indicators, steps, resources and helplines. `source` credits the document(s) the
    chapter's facts come from.
    """

    key_messages = StreamField(
        [("message", KeyMessageBlock(label="Key message", icon="tick"))],
        blank=True,
        help_text="Three to six short sentences shown in a box at the top.",
    )
    body = StreamField([("section", SectionBlock())])
    source = models.CharField(max_length=500, help_text="Title of the document(s) the content comes from.")
    search_terms = models.CharField(
        max_length=255,
        blank=True,
        help_text="Abbreviations and phrases people search for (comma-separated); not shown.",
    )

    parent_page_types = ["cms.ToolkitIndexPage"]
    subpage_types = []

    content_panels = BasePage.content_panels + [
        FieldPanel("key_messages"),
        FieldPanel("body"),
        FieldPanel("source"),
    ]
    promote_panels = BasePage.promote_panels + [
        HelpPanel("Search terms help site search find this chapter first."),
        FieldPanel("search_terms"),
    ]
    settings_panels = BasePage.settings_panels + ReviewedContent.review_panels
    search_fields = BasePage.search_fields + [
        index.SearchField("search_terms", boost=4),
        index.SearchField("key_messages", boost=2),
        index.SearchField("body"),
        index.AutocompleteField("title"),
    ]

    @property
    def sections(self):
        """The body's sections, for the in-page contents list."""
        return [block.value["heading"] for block in self.body]
