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

    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name_plural = "agencies"

    def __str__(self):
        return self.name
