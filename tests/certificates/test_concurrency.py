"""Races on PostgreSQL: workers issuing the same certificate at once make one certificate, and
downloads of a missing PDF at once make one file."""

import io

import pytest

from certificates.issuing import issue
from certificates.models import Certificate
from courses import services
from courses.models import Completion
from tests.concurrency import learner_and_course, run_at_once
from tests.factories import finish_lesson, lessons_of

pytestmark = pytest.mark.postgres


def test_two_concurrent_issues_make_one_certificate(committed):
    learner, course = learner_and_course(committed, lessons=1, required=["lessons"])
    enrolment = services.enrol(learner, course)
    finish_lesson(enrolment, lessons_of(course)[0])  # its on-commit issue runs too
    completion = Completion.objects.get(enrolment=enrolment)
    Certificate.objects.filter(completion=completion).delete()
    results, errors = run_at_once(4, lambda: issue(Completion.objects.get(pk=completion.pk)).pk)
    assert errors == []
    assert Certificate.objects.filter(completion=completion).count() == 1
    assert len(set(results)) == 1


def test_concurrent_downloads_of_a_missing_pdf_leave_one_file(committed):
    from pathlib import Path

    from django.conf import settings
    from django.core.files.storage import default_storage
    from django.test import Client
    from pypdf import PdfReader

    learner, course = learner_and_course(committed, lessons=1, required=["lessons"])
    enrolment = services.enrol(learner, course)
    finish_lesson(enrolment, lessons_of(course)[0])
    certificate = Certificate.objects.get(completion__enrolment=enrolment)
    default_storage.delete(certificate.pdf.name)
    Certificate.objects.filter(pk=certificate.pk).update(pdf="")

    def download():
        client = Client()
        client.force_login(learner)
        response = client.get(f"/my/certificates/{certificate.pk}/pdf/")
        return response.status_code, b"".join(response.streaming_content)

    results, errors = run_at_once(4, download)
    assert errors == []
    assert [status for status, _ in results] == [200] * 4
    for _, content in results:
        assert certificate.display_code in PdfReader(io.BytesIO(content)).pages[0].extract_text()
    files = list(Path(settings.MEDIA_ROOT, "certificates").glob(f"{certificate.code}-*.pdf"))
    assert [f.name for f in files] == [Path(Certificate.objects.get(pk=certificate.pk).pdf.name).name]
