from allauth.socialaccount.models import SocialApp
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

WORK_ACCOUNT_PROVIDER = "openid_connect"  # allauth's provider for every work-account sign-in


@register_setting(icon="site")
class PartnershipSettings(BaseSiteSetting):
    """Who runs this site: printed in the header and footer and on certificates; and what the
    privacy notice says about who holds staff's records, why, and for how long."""

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

    controller_name = models.CharField(
        "data controller",
        max_length=200,
        blank=True,
        help_text="The organisation responsible for the records, e.g. the council hosting the partnership.",
    )
    controller_address = models.TextField("controller's postal address", max_length=500, blank=True)
    controller_email = models.EmailField(
        "email for privacy requests", blank=True, help_text="Where staff send requests about their records."
    )
    dpo_name = models.CharField("data protection officer", max_length=200, blank=True)
    dpo_email = models.EmailField("data protection officer's email", blank=True)
    lawful_basis = models.TextField(
        "lawful basis",
        max_length=1000,
        default=(
            "Public task (UK GDPR Article 6(1)(e)): training the children's workforce to recognise and "
            "respond to abuse is part of the partners' duty to safeguard and promote the welfare of "
            "children (Children Act 2004, section 11, and Working Together to Safeguard Children 2023)."
        ),
    )
    retention_years = models.PositiveSmallIntegerField(
        "keep records for (years after last activity)",
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(25)],
        help_text="After this, an account is anonymised: its name, email and free text are removed, "
        "and its training counts stay in the partnership's figures.",
    )
    allow_passwords = models.BooleanField(
        "staff may sign in with a password",
        default=True,
        help_text="Turn off to make everyone sign in with a work account. Keep it on until at least "
        "one work account provider is set up.",
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("logo"),
        FieldPanel("contact_email"),
        FieldPanel("contact_phone"),
        FieldPanel("contact_text"),
        MultiFieldPanel(
            [
                FieldPanel("controller_name"),
                FieldPanel("controller_address"),
                FieldPanel("controller_email"),
                FieldPanel("dpo_name"),
                FieldPanel("dpo_email"),
                FieldPanel("lawful_basis"),
                FieldPanel("retention_years"),
            ],
            heading="Privacy notice",
        ),
        FieldPanel(
            "allow_passwords",
            # Said here rather than in the field's help text, which a migration would have to follow.
            help_text="Turn off to make everyone sign in and register with a work account (set one up "
            "first under Settings → Work accounts). Superusers can still sign in with a password, so "
            "the partnership is not locked out if the work account provider fails.",
        ),
    ]

    class Meta:
        verbose_name = "partnership settings"

    def clean(self):
        super().clean()
        if not self.allow_passwords and not SocialApp.objects.filter(provider=WORK_ACCOUNT_PROVIDER).exists():
            raise ValidationError(
                {
                    "allow_passwords": "Set up a work account provider (Settings → Work accounts) before "
                    "turning off passwords, or nobody could sign in."
                }
            )
