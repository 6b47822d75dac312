from django.apps import AppConfig


class LinksConfig(AppConfig):
    """Checks every external link the site publishes and tells editors which are broken."""

    name = "links"
    label = "links"
    verbose_name = "Link checker"
