from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    """Verifiable PDF certificates (to come)."""

    name = "certificates"
    label = "certificates"
