"""What the privacy notice says about who holds staff's records, from the partnership's
settings. One place decides what stands in for a setting an administrator has not filled in
yet (the partnership's name and its general contact), so the page never shows an empty
heading, and the deployment check (`privacy.checks`) names the same settings.

Who sees what is written in the template, true to `courses.scoping` and the lead pages; only
what an administrator sets comes from here."""

from dataclasses import dataclass

from cms.models import PartnershipSettings

# Without these the notice cannot say who is responsible for the records or where to write.
REQUIRED = ("controller_name", "controller_email")

# The learner's own pages for her rights (privacy:my_data and privacy:anonymise).
ACCESS_URL = "/my/data/"
ERASURE_URL = "/my/data/anonymise/"

ICO_WEBSITE = "https://ico.org.uk/make-a-complaint/"
ICO_PHONE = "0303 123 1113"


@dataclass(frozen=True)
class Notice:
    partnership: str
    controller: str  # the controller set, or the partnership
    controller_address: str
    email: str  # where to send a request: the privacy address set, or the partnership's contact
    phone: str
    dpo_name: str
    dpo_email: str
    lawful_basis: str
    retention_years: int

    @property
    def has_contact(self) -> bool:
        return bool(self.email or self.phone or self.controller_address)


def missing_settings(settings: PartnershipSettings | None) -> tuple[str, ...]:
    """The verbose names of the REQUIRED settings that `settings` (None: never saved) leaves empty."""
    fields = PartnershipSettings._meta
    return tuple(
        str(fields.get_field(name).verbose_name) for name in REQUIRED if not getattr(settings, name, "")
    )


def notice_for(settings: PartnershipSettings) -> Notice:
    default_basis = PartnershipSettings._meta.get_field("lawful_basis").default
    return Notice(
        partnership=settings.name,
        controller=settings.controller_name.strip() or settings.name,
        controller_address=settings.controller_address.strip(),
        email=settings.controller_email or settings.contact_email,
        phone=settings.contact_phone,
        dpo_name=settings.dpo_name.strip(),
        dpo_email=settings.dpo_email,
        lawful_basis=settings.lawful_basis.strip() or default_basis,
        retention_years=settings.retention_years,
    )
