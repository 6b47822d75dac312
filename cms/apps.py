from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.urls import register_converter


class CmsConfig(AppConfig):
    name = "cms"
    label = "cms"
    verbose_name = "Public site and toolkit"

    def ready(self):
        from cms import page_cache, roles, search_index
        from cms.converters import IdConverter

        register_converter(IdConverter, "id")
        page_cache.connect()
        search_index.connect()
        post_migrate.connect(
            roles.put_content_under_approval, sender=self, dispatch_uid="cms_content_approval"
        )
