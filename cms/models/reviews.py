"""Who owns each piece of content staff rely on, and when someone last checked it was right.

Safeguarding guidance changes often, and a page that was right last year can mislead today,
so every chapter, course, lesson, resource, helpline and local contact carries an owner (a
person, or a team when no one person holds it), the day it was last reviewed and how often
it must be. The "Due for review" report, the editors' dashboard and the weekly digest read
these fields; publishing an approved change, or confirming "reviewed, no change", moves
`last_reviewed` on (see cms.reviews).
"""

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel

from cms.dates import add_months

DEFAULT_REVIEW_MONTHS = 12
CONTACT_REVIEW_MONTHS = 6
"""Numbers and local arrangements change more often than guidance: helplines and local
contacts are checked twice a year."""


def review_interval_field(default=DEFAULT_REVIEW_MONTHS):
    return models.PositiveSmallIntegerField(
        "review every (months)",
        default=default,
        validators=[MinValueValidator(1), MaxValueValidator(36)],
        help_text="How often someone must check this is still right, in months (1 to 36).",
    )


class ReviewedContent(models.Model):
    """Owner, last review and review interval; abstract, so each content model keeps them in
    its own table. A model whose default interval differs overrides `review_interval_months`
    with `review_interval_field(months)`."""

    owner_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="owner (person)",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The person who keeps this right. Leave empty if a team owns it.",
    )
    owner_team = models.ForeignKey(
        "auth.Group",
        verbose_name="owner (team)",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The team that keeps this right, when no one person does.",
    )
    review_interval_months = review_interval_field()
    last_reviewed = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text="Set when an approved change is published, or when someone confirms it needs no change.",
    )
    last_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    review_panels = [
        MultiFieldPanel(
            [FieldPanel("owner_person"), FieldPanel("owner_team"), FieldPanel("review_interval_months")],
            heading="Owner and review",
        )
    ]

    class Meta:
        abstract = True

    @property
    def owner_label(self):
        """The owner as the report shows it: the person, else the team, else "No owner"."""
        if self.owner_person_id:
            return self.owner_person.get_full_name() or self.owner_person.email
        if self.owner_team_id:
            return self.owner_team.name
        return "No owner"

    @property
    def review_due(self) -> date | None:
        """The day the next review is due; None when it has never been reviewed (due now)."""
        if self.last_reviewed is None:
            return None
        return add_months(self.last_reviewed, self.review_interval_months)


class ReviewDigest(models.Model):
    """One weekly digest sent to one person: the row that makes sending twice in a week a
    no-op (the unique constraint, not a check before sending, so two runs at once cannot
    both send)."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    week_starting = models.DateField(help_text="The Monday of the week the digest covers (Europe/London).")
    sent_at = models.DateTimeField(null=True, blank=True)
    items = models.PositiveIntegerField(default=0)
    broken_links = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["recipient", "week_starting"], name="one_digest_per_week"),
        ]

    def __str__(self):
        return f"Review digest for {self.recipient} (week of {self.week_starting})"
