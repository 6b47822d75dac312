"""The sexual behaviours traffic light as data: band sets, their age bands, and behaviours.

A newer edition of the tool uses different bands, so bands are rows, not code: a new
edition is a new band set with its own bands and behaviours.
"""

from django.db import models
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.models import Orderable
from wagtail.search import index

from cms.models.workflows import PublishedContent


class Colour(models.TextChoices):
    GREEN = "green", "Green"
    AMBER = "amber", "Amber"
    RED = "red", "Red"


# Never colour alone: each colour is shown with its word and this shape.
COLOUR_SHAPE = {Colour.GREEN: "●", Colour.AMBER: "▲", Colour.RED: "■"}

COLOUR_MEANING = {
    Colour.GREEN: "Healthy and expected: reinforce and give information.",
    Colour.AMBER: "Outside healthy behaviour: notice, gather information and support.",
    Colour.RED: "Harmful or a sign of harm: act now and follow safeguarding procedures.",
}


class BandSet(ClusterableModel):
    """One edition's age bands.

    Two different things are recorded, and kept apart:

    - ``current``: this is the set *our* practice exercise and new questions use (one set at
      most, enforced by a constraint). It says nothing about Brook.
    - ``edition`` and ``brook_current``: which edition of Brook's tool the bands follow, and
      whether that is Brook's current edition. Learners see this on the practice pages, so they
      know when the exercise follows an earlier edition and should use Brook's own tool in
      practice.
    """

    key = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=120)
    current = models.BooleanField(
        "used by our exercise",
        default=False,
        help_text="The band set this site's practice exercise and new questions use (only one). "
        "This does not mean it is Brook's current edition: see the two fields below.",
    )
    edition = models.CharField(
        max_length=120,
        blank=True,
        help_text="Which edition of Brook's tool these bands follow, in a few words, "
        'e.g. "Brook\'s earlier four-band edition". Shown to learners on the practice pages.',
    )
    brook_current = models.BooleanField(
        "Brook's current edition",
        default=False,
        help_text="Tick only if these are the age bands of the tool Brook publishes today. "
        "When unticked, learners are told the exercise follows an earlier edition.",
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("key"),
        FieldPanel("current"),
        FieldPanel("edition"),
        FieldPanel("brook_current"),
        InlinePanel("bands", label="Age bands"),
    ]

    def shared_ages(self, bands=None):
        """Ages that fall in more than one band of this set (the earlier edition's bands
        overlap on purpose, so a child of exactly 5, 9 or 13 sits in two)."""
        bands = list(self.bands.all()) if bands is None else bands
        return sorted(
            {
                age
                for i, a in enumerate(bands)
                for b in bands[i + 1 :]
                for age in range(max(a.min_age, b.min_age), min(a.max_age, b.max_age) + 1)
            }
        )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["current"], condition=models.Q(current=True), name="one_current_band_set"
            )
        ]

    def __str__(self):
        return self.name


class AgeBand(Orderable):
    band_set = ParentalKey(BandSet, on_delete=models.CASCADE, related_name="bands")
    code = models.CharField(max_length=10, help_text="Short code, e.g. 5-9.")
    label = models.CharField(max_length=40, help_text="As shown, e.g. 5 to 9 years.")
    min_age = models.PositiveSmallIntegerField()
    max_age = models.PositiveSmallIntegerField()

    panels = [FieldPanel("code"), FieldPanel("label"), FieldPanel("min_age"), FieldPanel("max_age")]

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(fields=["band_set", "code"], name="unique_band_code_in_set"),
            models.CheckConstraint(
                condition=models.Q(max_age__gte=models.F("min_age")), name="band_ages_in_order"
            ),
        ]

    def __str__(self):
        return self.label


class Behaviour(PublishedContent, index.Indexed, models.Model):
    """A behaviour a child of a given age band might show, with its colour and why.

    Written by the partnership (never the tool's own examples). Used by traffic-light
    questions and by the public "Sort the behaviours" practice page."""

    key = models.SlugField(max_length=80, unique=True)
    band = models.ForeignKey(AgeBand, on_delete=models.PROTECT, related_name="behaviours")
    text = models.CharField(max_length=300)
    colour = models.CharField(max_length=5, choices=Colour.choices)
    reasoning = models.TextField(help_text="Why this colour, and what to do.")
    practice = models.BooleanField(default=True, help_text="Show on the public practice page.")

    panels = [
        FieldPanel("band"),
        FieldPanel("text"),
        FieldPanel("colour"),
        FieldPanel("reasoning"),
        FieldPanel("practice"),
        FieldPanel("key"),
    ]
    search_fields = [
        index.SearchField("text"),
        index.AutocompleteField("text"),
        index.FilterField("text"),
        index.FilterField("band"),
        index.FilterField("colour"),
        index.FilterField("practice"),
        index.FilterField("id"),
        index.FilterField("live"),
    ]

    class Meta:
        ordering = ["band__sort_order", "pk"]

    def __str__(self):
        return f"{self.band.code}: {self.text}"
