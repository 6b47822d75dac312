from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting


@register_setting(icon="site")
class PartnershipSettings(BaseSiteSetting):
    """Who runs this site: printed in the header and footer, and later on certificates."""

    name = models.CharField(
        "partnership name", max_length=150, default="Local Safeguarding Children Partnership"
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    contact_text = models.CharField(
        max_length=255,
        blank=True,
        help_text="One line for the footer, e.g. who to contact about the training.",
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("logo"),
        FieldPanel("contact_email"),
        FieldPanel("contact_phone"),
        FieldPanel("contact_text"),
    ]

    class Meta:
        verbose_name = "partnership settings"
