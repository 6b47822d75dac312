from urllib.parse import urlsplit

from django import forms
from django.db import models
from modelcluster.fields import ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel
from wagtail.search import index
from wagtail.search.queryset import SearchableQuerySetMixin

from cms.models.reviews import CONTACT_REVIEW_MONTHS, ReviewedContent, review_interval_field
from cms.models.workflows import PublishedContent


class SearchableQuerySet(SearchableQuerySetMixin, models.QuerySet):
    """Lets `Model.objects.search(...)` work for snippets, as it does for pages."""


class Resource(PublishedContent, ReviewedContent, index.Indexed, ClusterableModel):
    """An external guide, course, video or service that chapters recommend.

    A snippet rather than text in each chapter, so that one edit (a moved link, a new
    title) shows on every chapter that lists it. `ClusterableModel` with a
    `ParentalManyToManyField` is what lets Wagtail's snippet editor save the agency tags.
    """

    key = models.SlugField(
        max_length=80, unique=True, help_text="Stable identifier used by the shipped content."
    )
    title = models.CharField(max_length=255)
    provider = models.CharField(max_length=120, blank=True)
    url = models.URLField("link", max_length=500, blank=True)
    description = models.TextField(blank=True)
    paid_membership = models.BooleanField(
        "requires paid membership",
        default=False,
        help_text="Tick if readers need a paid subscription to open it.",
    )
    agencies = ParentalManyToManyField(
        "cms.Agency",
        blank=True,
        related_name="resources",
        help_text="Agencies this resource matters most to.",
    )

    panels = [
        FieldPanel("title"),
        FieldPanel("provider"),
        FieldPanel("url"),
        FieldPanel("description"),
        FieldPanel("paid_membership"),
        FieldPanel("agencies", widget=forms.CheckboxSelectMultiple),
        FieldPanel("key"),
        *ReviewedContent.review_panels,
    ]

    search_fields = [
        index.SearchField("title", boost=3),
        index.SearchField("provider"),
        index.SearchField("description"),
        index.AutocompleteField("title"),
        index.AutocompleteField("provider"),
        index.AutocompleteField("description"),
        index.FilterField("title"),
        index.FilterField("provider"),
        index.FilterField("url"),
        index.FilterField("paid_membership"),
        index.FilterField("live"),
        index.FilterField("owner_person"),
        index.FilterField("owner_team"),
        index.RelatedFields("agencies", [index.FilterField("code")]),
        index.FilterField("id"),
    ]

    objects = SearchableQuerySet.as_manager()

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    @property
    def domain(self):
        """The site the link goes to, shown so readers know they are leaving."""
        return urlsplit(self.url).hostname.removeprefix("www.") if self.url else ""


class Helpline(PublishedContent, ReviewedContent, index.Indexed, models.Model):
    """A confidential support line for victims, survivors, children or families."""

    key = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=120)
    number = models.CharField(max_length=40, help_text="As it should be dialled and read, e.g. 0800 1111.")
    description = models.TextField(blank=True)
    url = models.URLField("website", blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)
    # A wrong number is a harm, so each is checked against what the organisation publishes
    # twice a year; the card shows readers the day of the last review (`last_reviewed`).
    review_interval_months = review_interval_field(CONTACT_REVIEW_MONTHS)

    panels = [
        FieldPanel("name"),
        FieldPanel("number"),
        FieldPanel("description"),
        FieldPanel("url"),
        FieldPanel("key"),
        *ReviewedContent.review_panels,
    ]

    search_fields = [
        index.SearchField("name", boost=3),
        index.SearchField("description"),
        index.AutocompleteField("name"),
        index.AutocompleteField("description"),
        index.FilterField("name"),
        index.FilterField("number"),
        index.FilterField("last_reviewed"),
        index.FilterField("live"),
        index.FilterField("owner_person"),
        index.FilterField("owner_team"),
        index.FilterField("id"),
    ]

    objects = SearchableQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "name"]

    def __str__(self):
        return f"{self.name} ({self.number})"

    @property
    def tel_uri(self):
        return "tel:" + "".join(ch for ch in self.number if ch.isdigit() or ch == "+")
