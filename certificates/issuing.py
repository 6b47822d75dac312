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
from certificates.rendering import render_pdf
from courses.models import Completion


def _holder_name(user):
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
                    holder_name=_holder_name(completion.learner),
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


def ensure_pdf(certificate, force=False):
    """Write the PDF if it is missing (or `force`); return its storage name.

    Each render gets a new file name and the record is pointed at it afterwards, so two
    workers rendering at once never delete or overwrite each other's file."""
    current = certificate.pdf.name
    if not force and current and default_storage.exists(current):
        return current
    saved = default_storage.save(
        f"certificates/{certificate.code}-{uuid.uuid4().hex[:8]}.pdf", ContentFile(render_pdf(certificate))
    )
    Certificate.objects.filter(pk=certificate.pk).update(pdf=saved)
    certificate.pdf.name = saved
    if current and current != saved:
        default_storage.delete(current)  # a file already gone is no error
    return saved


@task()
def issue_certificate(completion_id):
    issue(Completion.objects.select_related("learner").get(pk=completion_id))
