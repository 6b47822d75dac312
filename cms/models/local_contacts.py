"""The partnership's own local contacts: one snippet per kind of local service, per site.

Toolkit chapters and lessons never name a local service or print a local number: where they
say "contact your local LADO" they carry a `local_contacts` block, which shows what the
partnership has entered here. Any partnership can install the product and fill these in.

Why one snippet per contact rather than a site setting: a wrong local number is as harmful
as a wrong helpline, so a change goes through the same two-person approval (drafts,
revisions, locking and the workflow, which settings cannot have) and each contact has an
owner and a review every six months. The kinds are one list, `cms.local_contacts.KINDS`:
adding a kind needs no new fields, no migration (the choices are read from KINDS when used)
and no change here. A site has at most one contact of each kind (a database constraint); a
kind with no LIVE contact is "not set": the pages say so instead of showing an empty box,
and the admin lists it above the listing and on the dashboard.
"""

from dataclasses import dataclass

from django.contrib.admin.utils import quote
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator, URLValidator
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import Site
from wagtail.search import index

from cms.local_contacts import KINDS
from cms.models.reviews import CONTACT_REVIEW_MONTHS, ReviewedContent, review_interval_field
from cms.models.snippets import SearchableQuerySet
from cms.models.workflows import PublishedContent

NOT_SET_MESSAGE = "Your partnership has not added this contact yet. Ask your safeguarding lead."

# UK-style numbers as people write them: digits and spaces, an optional leading +
# (for +44), at least three digits so that 101 (police non-emergency) fits.
validate_phone = RegexValidator(
    r"^\+?[0-9][0-9 ]*$",
    "Enter a telephone number using digits and spaces only (a leading + is allowed), e.g. 01632 960 001.",
    code="phone",
)


def validate_phone_length(value):
    digits = sum(ch.isdigit() for ch in value or "")
    if value and not 3 <= digits <= 15:
        raise ValidationError(
            "Enter a telephone number of 3 to 15 digits, e.g. 101 or 01632 960 001.", code="phone"
        )


validate_https = URLValidator(
    schemes=["https"],
    message="Enter a secure web address that starts with https://",
    code="https",
)


def kind_choices():
    """Read from KINDS each time, so a new kind needs no migration."""
    return list(KINDS.items())


def kind_label(code):
    return KINDS.get(code, code)


class LocalContactForm(WagtailAdminModelForm):
    """A new contact starts on the default site: most installs have only that one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "site" in self.fields and not self.instance.site_id and not self.is_bound:
            default = Site.objects.filter(is_default_site=True).values_list("pk", flat=True).first()
            self.initial.setdefault("site", default)


class LocalContact(PublishedContent, ReviewedContent, index.Indexed, models.Model):
    """One local service of one kind for one site: what staff should ask for and how to reach it."""

    site = models.ForeignKey(
        Site,
        on_delete=models.CASCADE,
        related_name="local_contacts",
        help_text="The site whose pages show this contact.",
    )
    kind = models.CharField(max_length=40, choices=kind_choices)
    name = models.CharField(
        "name or service",
        max_length=150,
        help_text="What staff should ask for, e.g. “Children's Front Door (MASH)”.",
    )
    description = models.CharField(
        max_length=255,
        blank=True,
        help_text="Optional: when to use it, in one line.",
    )
    phone = models.CharField(
        "telephone",
        max_length=40,
        blank=True,
        validators=[validate_phone, validate_phone_length],
        help_text="As it should be dialled and read, e.g. 01632 960 001.",
    )
    url = models.URLField(
        "web address",
        max_length=500,
        blank=True,
        validators=[validate_https],
        help_text="Starts with https://",
    )
    email = models.EmailField(blank=True)
    hours = models.CharField(
        "opening hours",
        max_length=200,
        blank=True,
        help_text="e.g. Monday to Friday, 9am to 5pm; or 24 hours, every day.",
    )
    # Local arrangements change as often as helpline numbers: checked twice a year.
    review_interval_months = review_interval_field(CONTACT_REVIEW_MONTHS)

    base_form_class = LocalContactForm

    panels = [
        FieldPanel("site"),
        FieldPanel("kind"),
        FieldPanel("name"),
        FieldPanel("description"),
        MultiFieldPanel(
            [FieldPanel("phone"), FieldPanel("url"), FieldPanel("email")], heading="How to get in touch"
        ),
        FieldPanel("hours"),
        *ReviewedContent.review_panels,
    ]

    search_fields = [
        index.SearchField("name", boost=3),
        index.SearchField("description"),
        index.SearchField("phone"),
        index.AutocompleteField("name"),
        index.FilterField("name"),
        index.FilterField("phone"),
        index.FilterField("kind"),
        index.FilterField("site"),  # filter and sort by site_id
        index.FilterField("live"),
        index.FilterField("last_reviewed"),
        index.FilterField("owner_person"),
        index.FilterField("owner_team"),
    ]

    objects = SearchableQuerySet.as_manager()

    class Meta:
        ordering = ["site", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["site", "kind"], name="cms_localcontact_one_per_site_and_kind"),
        ]

    def __str__(self):
        return f"{self.label}: {self.name}"

    def clean(self):
        super().clean()
        if not (self.phone or self.url or self.email):
            raise ValidationError(
                "Add a telephone number, a web address or an email address, so that staff can get in touch."
            )
        if self.site_id and self.kind:
            others = LocalContact.objects.filter(site_id=self.site_id, kind=self.kind).exclude(pk=self.pk)
            other = others.first()
            if other is not None:
                # On "kind", so the form skips the constraint's own, vaguer, message.
                raise ValidationError({"kind": already_set_message(other)}, code="unique")

    @property
    def label(self):
        return kind_label(self.kind)

    @property
    def display_url(self):
        """The address as people read it: no https:// and no final slash."""
        return self.url.removeprefix("https://").removeprefix("www.").rstrip("/")

    @property
    def tel_uri(self):
        return "tel:" + "".join(ch for ch in self.phone if ch.isdigit() or ch == "+")


def already_set_message(other):
    """The error for a second contact of a kind, linking to the one to change instead (the
    other may have been added after this form was opened, or be a draft not yet approved)."""
    text = f"There is already a {other.label} contact for this site: change that one"
    try:
        url = reverse("wagtailsnippets_cms_localcontact:edit", args=[quote(other.pk)])
    except NoReverseMatch:
        return text + "."
    return format_html('{} (<a href="{}">{}</a>).', text, url, other.name)


@dataclass(frozen=True)
class Entry:
    """One kind as pages show it: its label and the live contact, or None when it is not set."""

    code: str
    label: str
    contact: LocalContact | None


def contacts_for_site(site):
    """{kind: LocalContact} of the LIVE contacts for a site, in one query: what staff see."""
    if site is None:
        return {}
    return {contact.kind: contact for contact in LocalContact.objects.filter(site=site, live=True)}


def entries(contacts):
    """Every kind, in KINDS order, with its contact from `contacts` or None."""
    return [Entry(code, label, contacts.get(code)) for code, label in KINDS.items()]


def entries_for_request(request):
    """Every kind with the request's site's live contact or None, read once per request
    however many local contacts blocks a page holds."""
    attr_name = "_cms_local_contact_entries"
    if not hasattr(request, attr_name):
        setattr(request, attr_name, entries(contacts_for_site(Site.find_for_request(request))))
    return getattr(request, attr_name)


def unset_kinds(contacts):
    return [code for code in KINDS if code not in contacts]


def unset_labels_for_site(site):
    """The kinds staff on this site see as "not set": those with no live contact."""
    return [KINDS[code] for code in unset_kinds(contacts_for_site(site))]


def unset_by_site():
    """[(site, [labels of the kinds with no live contact])] for every site that has any,
    default site first, in two queries: what the admin lists as "not yet set"."""
    live = set(LocalContact.objects.filter(live=True).values_list("site_id", "kind"))
    unset = []
    for site in Site.objects.order_by("-is_default_site", "hostname", "port"):
        labels = [label for code, label in KINDS.items() if (site.pk, code) not in live]
        if labels:
            unset.append((site, labels))
    return unset


__all__ = [
    "NOT_SET_MESSAGE",
    "Entry",
    "LocalContact",
    "contacts_for_site",
    "entries",
    "entries_for_request",
    "unset_by_site",
    "unset_labels_for_site",
]
