from django.apps import AppConfig
from django.db import transaction
from django.db.models.signals import post_save


class CertificatesConfig(AppConfig):
    """Verifiable PDF certificates: issued after a completion commits, checked publicly."""

    name = "certificates"
    label = "certificates"

    def ready(self):
        from certificates import checks  # noqa: F401 (checks registers itself)
        from courses.models import Completion

        post_save.connect(_completion_saved, sender=Completion, dispatch_uid="issue_certificate")


def _completion_saved(sender, instance, created, **kwargs):
    if created:
        from certificates.issuing import issue_certificate

        # Only once the completion is really stored: a rolled-back completion gets nothing.
        transaction.on_commit(lambda: issue_certificate.enqueue(instance.pk))
