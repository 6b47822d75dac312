from django.apps import AppConfig
from django.db.models.signals import post_save


class LinksConfig(AppConfig):
    """Checks every external link the site publishes and tells editors which are broken."""

    name = "links"
    label = "links"
    verbose_name = "Link checker"

    def ready(self):
        from cms.models import Resource

        from .receivers import resource_saved

        # A draft saves the row's revision pointer with the editor's values in memory, and
        # publishing saves the row: either way `instance.url` is what the editor just saved.
        post_save.connect(resource_saved, sender=Resource, dispatch_uid="links.resource_saved")
