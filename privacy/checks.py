"""A deployment check: the privacy notice must say who is responsible for staff's records and
where to write about them. Until an administrator fills these in (Settings › Partnership
settings › Privacy notice), the notice falls back to the partnership's name and general
contact, which is not a data controller; `check --deploy` says so for each site."""

from django.core.checks import Warning, register
from django.db import DatabaseError
from wagtail.models import Site

from cms.models import PartnershipSettings
from privacy.notice import missing_settings


@register("privacy", deploy=True)
def controller_check(app_configs, **kwargs):
    try:
        sites = list(Site.objects.order_by("pk"))
        saved = {settings.site_id: settings for settings in PartnershipSettings.objects.all()}
    except DatabaseError:
        return []  # not migrated or not reachable: migrate and the server say so themselves
    warnings = []
    for site in sites:
        missing = missing_settings(saved.get(site.pk))
        if missing:
            warnings.append(
                Warning(
                    f"The privacy notice of {site} has no {' and no '.join(missing)}: it names the "
                    "partnership instead, which is not who is responsible for staff's records.",
                    hint="Fill them in in the admin under Settings › Partnership settings › Privacy notice.",
                    obj=site,
                    id="privacy.W001",
                )
            )
    return warnings
