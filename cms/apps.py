from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.urls import register_converter


class CmsConfig(AppConfig):
    name = "cms"
    label = "cms"
    verbose_name = "Public site and toolkit"

    def ready(self):
        from cms import roles
        from cms.converters import IdConverter

        register_converter(IdConverter, "id")
        post_migrate.connect(
            roles.put_content_under_approval, sender=self, dispatch_uid="cms_content_approval"
        )
