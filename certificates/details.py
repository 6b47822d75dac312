from django.urls import reverse

from certificates.models import Certificate


def attach_certificates(completions):
    """Give each completion its certificate links (the learner's own, and her lead's) and
    code, in one query: for My learning and for a lead's view of one member of staff."""
    by_completion = {
        c.completion_id: c for c in Certificate.objects.filter(completion__in=[c.pk for c in completions])
    }
    for completion in completions:
        certificate = by_completion.get(completion.pk)
        completion.certificate_url = (
            reverse("certificates:download", args=[certificate.pk])
            if certificate and not certificate.revoked_at
            else None
        )
        completion.certificate_code = certificate.display_code if certificate else None
        completion.lead_certificate_url = (
            reverse("certificates:lead_download", args=[certificate.pk])
            if certificate and not certificate.revoked_at
            else None
        )
