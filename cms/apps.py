from django.apps import AppConfig
from django.urls import register_converter


class CmsConfig(AppConfig):
    name = "cms"
    label = "cms"
    verbose_name = "Public site and toolkit"

    def ready(self):
        from cms.converters import IdConverter

        register_converter(IdConverter, "id")
