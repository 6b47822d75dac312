"""Every external address the site publishes, what happened when it was last checked, and
where it is used.

One `Link` row per distinct URL (a provider's home page linked from twenty resources is
checked once); one `LinkUse` row per place that publishes it (a resource's link, a
helpline's website, a chapter's rich text), so the report can say where to fix it.
"""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


class Status(models.TextChoices):
    UNCHECKED = "unchecked", "Not checked yet"
    WORKING = "working", "Working"
    REDIRECTED = "redirected", "Moved permanently"
    BROKEN = "broken", "Broken"
    TIMED_OUT = "timed_out", "Timed out"
    BLOCKED = "blocked", "Blocked by the website"
    REFUSED = "refused", "Not allowed (private address)"


FAILING = (Status.BROKEN, Status.TIMED_OUT, Status.REFUSED)
"""What the "Broken links" report lists: staff following the link will not get the page. A
site that blocks automated checks (403, 429) may well work in a browser, so it is shown
with its own status, not counted as broken."""


class LinkQuerySet(models.QuerySet):
    def failing(self):
        return self.filter(status__in=FAILING)


class Link(models.Model):
    url = models.URLField(max_length=2000, unique=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.UNCHECKED)
    http_code = models.PositiveSmallIntegerField("HTTP status", null=True, blank=True)
    final_url = models.URLField(max_length=2000, blank=True, help_text="Where a permanent redirect ends up.")
    error = models.CharField(max_length=300, blank=True, help_text="What went wrong, in words.")
    last_checked = models.DateTimeField(null=True, blank=True)
    failing_since = models.DateTimeField(
        null=True, blank=True, help_text="The first check of the current run of failures."
    )

    objects = LinkQuerySet.as_manager()

    class Meta:
        ordering = ["url"]
        indexes = [models.Index(fields=["status", "last_checked"])]

    def __str__(self):
        return self.url


class LinkUse(models.Model):
    """One place the site publishes a link: an object (a resource, a helpline, a local
    contact, a page) and the field it sits in."""

    link = models.ForeignKey(Link, on_delete=models.CASCADE, related_name="uses")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=64)
    content_object = GenericForeignKey("content_type", "object_id")
    field = models.CharField(max_length=100, help_text="The field or block that holds the link.")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["link", "content_type", "object_id", "field"], name="one_use_per_place"
            )
        ]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.link} in {self.field}"
