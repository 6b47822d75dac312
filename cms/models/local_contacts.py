"""The partnership's own local contacts, kept by editors as a site setting.

Toolkit chapters and lessons never name a local service or print a local number: where they
say "contact your local LADO" they carry a `local_contacts` block, which shows what the
partnership has entered here. Any partnership can install the product and fill these in.

Why an inline child model rather than seven sets of fields: the kinds are one list,
`cms.local_contacts.KINDS`. Each contact is a `LocalContact` row whose `kind` is one of
them, unique per site, edited in one InlinePanel. Adding a kind to KINDS needs no new
fields, no migration (the choices are read from KINDS when used) and no change here. A kind
with no row is "not set": the pages say so instead of showing an empty box, and the admin
lists it on the settings screen and on the dashboard.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator, URLValidator
from django.db import models
from django.utils.functional import cached_property
from django.utils.html import format_html
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, HelpPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import Orderable, Site

from cms.local_contacts import KINDS

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


class UnsetContactsPanel(HelpPanel):
    """Heads the settings screen with the kinds that no one has filled in yet."""

    class BoundPanel(HelpPanel.BoundPanel):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            unset = (
                self.instance.unset_labels() if self.instance and self.instance.pk else list(KINDS.values())
            )
            if unset:
                self.content = format_html(
                    "<p><strong>Not yet set ({}):</strong> {}.</p>"
                    "<p>Until you add a contact, pages show “{}” in its place.</p>",
                    len(unset),
                    ", ".join(unset),
                    NOT_SET_MESSAGE,
                )
            else:
                self.content = format_html("<p>All {} local contacts are set.</p>", len(KINDS))


class LocalContactsForm(WagtailAdminModelForm):
    """Refuses a new contact of a kind that was saved after this form was opened.

    The formset checks the kinds it was sent against each other; a page opened before
    another editor added, say, the LADO does not carry that row, so without this check the
    second save would break the one-per-kind constraint."""

    def is_valid(self):
        if not super().is_valid():
            return False
        forms = [f for f in self.formsets["contacts"].forms if f.cleaned_data]
        sent = {f.instance.pk for f in forms if f.instance.pk}
        saved_since = (
            set(
                LocalContact.objects.filter(setting_id=self.instance.pk)
                .exclude(pk__in=sent)
                .values_list("kind", flat=True)
            )
            if self.instance.pk
            else set()
        )
        for form in forms:
            kind = form.cleaned_data.get("kind")
            if not form.instance.pk and not form.cleaned_data.get("DELETE") and kind in saved_since:
                form.add_error(
                    "kind",
                    f"Someone added a {kind_label(kind)} contact after you opened this page. "
                    "Reload the page to see it, then change that one.",
                )
        return not any(form.errors for form in forms)


@register_setting(icon="group")
class LocalContacts(BaseSiteSetting, ClusterableModel):
    """The partnership's local contacts for one site: one `LocalContact` per kind."""

    base_form_class = LocalContactsForm

    panels = [
        UnsetContactsPanel(heading="Contacts not yet set"),
        HelpPanel(
            content=(
                "<p>These contacts appear wherever the toolkit or a course tells staff to contact "
                "their local service, and on the Local contacts page. Add one contact for each kind: "
                "the name staff should ask for, and at least a telephone number, a secure web "
                "address (https://) or an email address. Check them when your local arrangements "
                "change.</p>"
            ),
            heading="About local contacts",
        ),
        InlinePanel("contacts", label="Local contact", heading="Local contacts"),
    ]

    class Meta:
        verbose_name = "local contacts"
        verbose_name_plural = "local contacts"

    @classmethod
    def for_request(cls, request):
        """As Wagtail's, cached on the request, but the contacts come in the same single query
        (pages may hold several local contacts blocks), and reading never writes a row."""
        attr_name = cls.get_cache_attr_name()
        if not hasattr(request, attr_name):
            setattr(request, attr_name, cls.with_contacts(Site.find_for_request(request)))
        return getattr(request, attr_name)

    @classmethod
    def with_contacts(cls, site):
        """The setting for `site` with its contacts loaded, in one query."""
        contacts = list(LocalContact.objects.filter(setting__site=site).select_related("setting"))
        instance = contacts[0].setting if contacts else cls(site=site)
        instance._by_kind = {contact.kind: contact for contact in contacts}
        return instance

    def by_kind(self):
        """{kind: LocalContact} for the kinds that are set."""
        if not hasattr(self, "_by_kind"):
            self._by_kind = {contact.kind: contact for contact in self.contacts.all()} if self.pk else {}
        return self._by_kind

    @cached_property
    def entries(self):
        """Every kind in KINDS order, each with its contact or None: what the pages show."""
        return entries(self.by_kind())

    def unset_kinds(self):
        return unset_kinds(self.by_kind())

    def unset_labels(self):
        return [KINDS[code] for code in self.unset_kinds()]


class LocalContact(Orderable):
    kind = models.CharField(max_length=40, choices=kind_choices)
    setting = ParentalKey(LocalContacts, on_delete=models.CASCADE, related_name="contacts")
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

    panels = [
        FieldPanel("kind"),
        FieldPanel("name"),
        FieldPanel("description"),
        MultiFieldPanel(
            [FieldPanel("phone"), FieldPanel("url"), FieldPanel("email")], heading="How to get in touch"
        ),
        FieldPanel("hours"),
    ]

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(fields=["setting", "kind"], name="cms_localcontact_one_per_kind"),
        ]

    def __str__(self):
        return f"{self.label}: {self.name}"

    def clean(self):
        super().clean()
        if not (self.phone or self.url or self.email):
            raise ValidationError(
                "Add a telephone number, a web address or an email address, so that staff can get in touch."
            )

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


@dataclass(frozen=True)
class Entry:
    """One kind as pages show it: its label and the contact, or None when it is not set."""

    code: str
    label: str
    contact: LocalContact | None


def contacts_for_site(site):
    """{kind: LocalContact} for a site, in one query."""
    if site is None:
        return {}
    return {contact.kind: contact for contact in LocalContact.objects.filter(setting__site=site)}


def entries(contacts):
    """Every kind, in KINDS order, with its contact from `contacts` or None."""
    return [Entry(code, label, contacts.get(code)) for code, label in KINDS.items()]


def unset_kinds(contacts):
    return [code for code in KINDS if code not in contacts]


def unset_labels_for_site(site):
    return [KINDS[code] for code in unset_kinds(contacts_for_site(site))]


__all__ = [
    "NOT_SET_MESSAGE",
    "Entry",
    "LocalContact",
    "LocalContacts",
    "contacts_for_site",
    "entries",
    "unset_labels_for_site",
]
