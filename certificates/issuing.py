"""Issuing certificates: exactly once per completion, and a PDF that exists whenever asked.

`issue` is safe to call any number of times, from any number of workers at once: the
database's one-certificate-per-completion and unique-code constraints settle races."""

import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from certificates.codes import new_code
from certificates.models import Certificate
from certificates.rendering import default_site, render_pdf, site_address
from courses.models import Completion


def holder_name(user) -> str:
    """The name a certificate is issued to: the learner's full name, or her email when she
    gave no name."""
    return " ".join(part for part in (user.first_name, user.last_name) if part) or user.email


def issue(completion):
    certificate = Certificate.objects.filter(completion=completion).first()
    for _ in range(5):
        if certificate is not None:
            break
        try:
            with transaction.atomic():
                certificate = Certificate.objects.create(
                    completion=completion,
                    code=new_code(),
                    holder_name=holder_name(completion.learner),
                    course_title=completion.course_title,
                    agency_name=completion.agency_name,
                    completed_on=timezone.localtime(completion.completed_at).date(),
                    expires_on=completion.expires_on,
                    quiz_score=completion.quiz_score,
                )
        except IntegrityError:
            # Another worker issued it, or (astronomically rarely) the code was taken.
            certificate = Certificate.objects.filter(completion=completion).first()
    ensure_pdf(certificate)
    return certificate


def _is_current(certificate, address):
    name = certificate.pdf.name
    return bool(name) and certificate.pdf_address == address and default_storage.exists(name)


def ensure_pdf(certificate, force=False):
    """Return the storage name of the certificate's PDF, made now if it is missing, was
    printed under another site address, or `force` (a revocation or re-issue changed what it
    says).

    The certificate's row is locked while its PDF is made, so of several downloads at once
    one makes the file and the others wait for it and serve it. Each render gets a new file
    name; the file it replaces is deleted once the record points at the new one."""
    site = default_site()
    address = site_address(site)
    if not force and _is_current(certificate, address):
        return certificate.pdf.name
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        replaced = locked.pdf.name
        if force or not _is_current(locked, address):
            saved = default_storage.save(
                f"certificates/{locked.code}-{uuid.uuid4().hex[:8]}.pdf",
                ContentFile(render_pdf(locked, site)),
            )
            Certificate.objects.filter(pk=locked.pk).update(pdf=saved, pdf_address=address)
        else:
            saved = replaced  # made by another download while this one waited
    certificate.pdf.name, certificate.pdf_address = saved, address
    if replaced and replaced != saved:
        default_storage.delete(replaced)  # a file already gone is no error
    return saved


@task()
def issue_certificate(completion_id):
    issue(Completion.objects.select_related("learner").get(pk=completion_id))
