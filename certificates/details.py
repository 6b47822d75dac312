from django.urls import reverse

from certificates.models import Certificate


def attach_certificates(completions):
    """Give each completion what My learning and a lead's staff record say about its
    certificate, in one query: the learner's and her lead's download links, its code, and
    whether it was revoked (then why, and no links) or is still being prepared (its task has
    not run yet)."""
    by_completion = {
        c.completion_id: c for c in Certificate.objects.filter(completion__in=[c.pk for c in completions])
    }
    for completion in completions:
        certificate = by_completion.get(completion.pk)
        completion.certificate_pending = certificate is None
        completion.certificate_code = certificate.display_code if certificate else None
        completion.revoked = bool(certificate and certificate.revoked_at)
        completion.revoked_at = certificate.revoked_at if completion.revoked else None
        completion.revoked_reason = certificate.revoked_reason if completion.revoked else ""
        usable = certificate is not None and not completion.revoked
        completion.certificate_url = (
            reverse("certificates:download", args=[certificate.pk]) if usable else None
        )
        completion.lead_certificate_url = (
            reverse("certificates:lead_download", args=[certificate.pk]) if usable else None
        )
