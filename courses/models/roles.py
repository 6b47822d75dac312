from django.conf import settings
from django.db import models


class AgencyLead(models.Model):
    """A member of staff who sees the training records of one or more agencies.

    Leads use the project's own scoped pages, never Wagtail's user management: that would
    let them see or change any account."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agency_lead"
    )
    agencies = models.ManyToManyField("cms.Agency", related_name="leads")

    def __str__(self):
        return f"Lead: {self.user}"

    @property
    def agency_names(self) -> str:
        return ", ".join(agency.name for agency in self.agencies.all())


class PartnershipManager(models.Model):
    """Sees every agency's figures side by side for the partnership board."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="partnership_manager"
    )

    def __str__(self):
        return f"Partnership manager: {self.user}"
