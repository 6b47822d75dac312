from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """What UK GDPR gives each person over her training record: the privacy notice, a copy of
    everything held (access), erasure by anonymisation, retention, and a log of who looked."""

    name = "privacy"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from privacy import checks  # noqa: F401 (checks registers itself)
