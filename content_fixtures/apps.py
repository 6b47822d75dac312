from django.apps import AppConfig


class ContentFixturesConfig(AppConfig):
    """The shipped content as data files, and the commands that load it."""

    name = "content_fixtures"
    label = "content_fixtures"
