"""Between a completion and the worker making its certificate, the learner and her lead are
told it is being prepared; a PDF that is missing is made when it is downloaded."""

import io

import pytest
from bs4 import BeautifulSoup
from django.core.files.storage import default_storage
from pypdf import PdfReader

from certificates.issuing import issue_certificate
from certificates.models import Certificate
from courses import services
from tests.certificates.test_access import lead_of
from tests.factories import finish_lesson, lessons_of, make_course, make_learner, survey_ratings

pytestmark = pytest.mark.django_db


def complete_before_the_worker_runs(django_capture_on_commit_callbacks):
    """A completion whose certificate task is queued (as with the production task worker)
    but has not run yet."""
    learner, course = make_learner("housing", first_name="Holly"), make_course(lessons=1)
    with django_capture_on_commit_callbacks(execute=False):
        enrolment = services.enrol(learner, course)
        services.submit_survey(enrolment, "before", survey_ratings("before"))
        finish_lesson(enrolment, lessons_of(course)[0])
        services.submit_survey(enrolment, "after", survey_ratings("after"))
    enrolment.completion.refresh_from_db()
    return enrolment.completion


def text_of(response):
    return BeautifulSoup(response.content, "html.parser").select_one("main").get_text(" ", strip=True)


def test_learner_and_lead_see_being_prepared_until_the_worker_has_made_it(
    client, django_capture_on_commit_callbacks
):
    completion = complete_before_the_worker_runs(django_capture_on_commit_callbacks)
    assert not Certificate.objects.filter(completion=completion).exists()
    lead = lead_of("housing")

    client.force_login(completion.learner)
    mine = text_of(client.get("/my/"))
    assert "Your certificate is being prepared" in mine and "refresh this page" in mine.lower()
    client.force_login(lead)
    record = text_of(client.get(f"/leads/reports/staff/{completion.learner_id}/"))
    assert "being prepared" in record

    issue_certificate.enqueue(completion.pk)  # the worker's turn
    certificate = Certificate.objects.get(completion=completion)
    record = client.get(f"/leads/reports/staff/{completion.learner_id}/")
    assert f"/leads/certificates/{certificate.pk}/pdf/" in record.content.decode()
    client.force_login(completion.learner)
    page = client.get("/my/")
    assert "being prepared" not in text_of(page)
    assert f"/my/certificates/{certificate.pk}/pdf/" in page.content.decode()


@pytest.mark.parametrize("lost", ["file", "record"])
def test_a_missing_pdf_is_made_on_download(client, complete, lost):
    certificate = complete().certificate
    default_storage.delete(certificate.pdf.name)
    if lost == "record":  # the worker stopped between saving the certificate and its PDF
        Certificate.objects.filter(pk=certificate.pk).update(pdf="")
    client.force_login(certificate.completion.learner)
    response = client.get(f"/my/certificates/{certificate.pk}/pdf/")
    assert response.status_code == 200
    text = PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages[0].extract_text()
    assert certificate.display_code in text
    assert default_storage.exists(Certificate.objects.get(pk=certificate.pk).pdf.name)
