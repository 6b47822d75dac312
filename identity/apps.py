from django.apps import AppConfig


class IdentityConfig(AppConfig):
    """Who someone is and how they prove it: verified emails, sign-in with a work account
    (OpenID Connect) and two-step sign-in, all through django-allauth, in the site's own look."""

    name = "identity"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from identity import signals  # noqa: F401 (connects the receivers)
