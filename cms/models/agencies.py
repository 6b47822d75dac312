from django.db import models
from wagtail.search import index


class Agency(index.Indexed, models.Model):
    """A member agency of the partnership.

    Everything that is counted per agency (registrations, completions, reports) points
    here, so the list is data an administrator can extend; the short `code` is what
    fixtures, settings and URLs use because names get reworded.
    """

    code = models.SlugField(max_length=20, unique=True)
    name = models.CharField(max_length=100, unique=True)
    sort_order = models.PositiveSmallIntegerField(default=0)
    allowed_email_domains = models.CharField(
        max_length=255,
        blank=True,
        help_text=(
            "Optional. Comma-separated email domains staff of this agency must register "
            "with, e.g. nhs.net. Leave blank to accept any address."
        ),
    )

    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.FilterField("name"),
        index.FilterField("code"),
        index.FilterField("allowed_email_domains"),
    ]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name_plural = "agencies"

    def __str__(self):
        return self.name

    @property
    def email_domains(self):
        return [d.strip().lower().lstrip("@") for d in self.allowed_email_domains.split(",") if d.strip()]

    def accepts_email(self, email):
        """True if `email` may register for this agency (any address when no domains set)."""
        domains = self.email_domains
        domain = email.rsplit("@", 1)[-1].lower()
        return not domains or any(domain == d or domain.endswith("." + d) for d in domains)
