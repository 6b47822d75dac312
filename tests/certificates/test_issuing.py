"""One certificate per completion, whatever happens; a PDF that says the right things."""

import io
import re

import pytest
import segno
from django.core.files.storage import default_storage
from PIL import Image
from pypdf import PdfReader

from certificates import codes
from certificates.issuing import ensure_pdf, issue, issue_certificate
from certificates.models import Certificate
from certificates.rendering import verify_url

pytestmark = pytest.mark.django_db


def pdf_of(certificate):
    with default_storage.open(ensure_pdf(certificate), "rb") as handle:
        return PdfReader(io.BytesIO(handle.read()))


def test_completing_issues_exactly_one_certificate(complete):
    completion = complete()
    assert Certificate.objects.filter(completion=completion).count() == 1
    issue(completion)
    issue_certificate.enqueue(completion.pk)
    assert Certificate.objects.filter(completion=completion).count() == 1


def test_a_rolled_back_completion_gets_no_certificate(django_capture_on_commit_callbacks):
    from django.db import transaction

    from courses import services
    from tests.factories import finish_lesson, lessons_of, make_course, make_learner

    learner, course = make_learner(), make_course(lessons=1, required=["lessons"])
    enrolment = services.enrol(learner, course)
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                finish_lesson(enrolment, lessons_of(course)[0])
                raise RuntimeError("the request failed after completing")
        except RuntimeError:
            pass
    assert not Certificate.objects.filter(completion__learner=learner).exists()


def test_the_code_is_twelve_unambiguous_characters_and_displays_in_groups(complete):
    certificate = complete().certificate
    assert re.fullmatch(f"[{codes.ALPHABET}]{{12}}", certificate.code)
    assert re.fullmatch(r"\w{4}-\w{4}-\w{4}", certificate.display_code)
    assert not set("01IOL") & set(codes.ALPHABET)
    assert codes.normalise(certificate.display_code.lower()) == certificate.code
    assert codes.normalise(" " + certificate.display_code + " ") == certificate.code
    for bad in ["", "ABC", "O0O0-O0O0-O0O0", "K7QM-3XPD-9TRH-EXTRA", "<script>"]:
        assert codes.normalise(bad) is None


def test_the_pdf_is_one_landscape_page_with_name_course_dates_score_and_code(complete):
    completion = complete()
    certificate = completion.certificate
    reader = pdf_of(certificate)
    assert len(reader.pages) == 1
    page = reader.pages[0]
    assert page.mediabox.width > page.mediabox.height  # landscape
    text = " ".join(page.extract_text().split())
    for expected in [
        "Holly Harris",
        completion.course_title,
        "Housing",
        f"{certificate.completed_on.day} {certificate.completed_on:%B %Y}",
        f"{certificate.expires_on.day} {certificate.expires_on:%B %Y}",
        certificate.display_code,
    ]:
        assert expected in text, expected


def test_the_qr_code_is_the_verify_url(complete):
    certificate = complete().certificate
    image = pdf_of(certificate).pages[0].images[0].image.convert("L")
    expected_matrix = segno.make(verify_url(certificate.code), error="m")
    buffer = io.BytesIO()
    expected_matrix.save(buffer, kind="png", scale=5, border=2)
    expected = Image.open(buffer).convert("L")
    assert image.size == expected.size
    assert image.tobytes() == expected.tobytes()
    assert verify_url(certificate.code).endswith(f"/certificates/verify/{certificate.code}/")


def test_a_missing_pdf_is_made_again(complete):
    certificate = complete().certificate
    default_storage.delete(certificate.pdf.name)
    assert not default_storage.exists(certificate.pdf.name)
    ensure_pdf(certificate)
    assert default_storage.exists(certificate.pdf.name)


def test_the_quiz_score_is_printed_when_there_is_one(complete):
    from courses.models import Completion

    completion = complete()
    Completion.objects.filter(pk=completion.pk).update(quiz_score=85)
    Certificate.objects.filter(completion=completion).delete()
    completion.refresh_from_db()
    certificate = issue(completion)
    assert "85%" in pdf_of(certificate).pages[0].extract_text()


def test_a_second_save_signal_never_makes_a_second_certificate(complete, django_capture_on_commit_callbacks):
    from django.db.models.signals import post_save

    from courses.models import Completion

    completion = complete()
    with django_capture_on_commit_callbacks(execute=True):
        post_save.send(Completion, instance=completion, created=False)
    with pytest.raises(ValueError, match="never edited"):
        completion.save()
    assert Certificate.objects.filter(completion=completion).count() == 1


def test_the_partnership_name_and_logo_are_printed(complete):
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file
    from wagtail.models import Site

    from cms.models import PartnershipSettings

    settings = PartnershipSettings.for_site(Site.objects.get(is_default_site=True))
    settings.name = "Northshire Safeguarding Children Partnership"
    settings.logo = Image.objects.create(title="Logo", file=get_test_image_file())
    settings.save()
    certificate = complete().certificate
    page = pdf_of(certificate).pages[0]
    assert "Northshire Safeguarding Children Partnership" in page.extract_text()
    assert len(page.images) == 2  # the logo and the QR code


@pytest.mark.parametrize("revoked", [False, True])
def test_the_longest_printed_name_with_a_long_course_and_a_score_stays_on_one_page(complete, revoked):
    from django.utils import timezone

    from certificates.rendering import NAME_PRINT_LIMIT, render_pdf

    certificate = complete().certificate
    certificate.holder_name = ("Hollie-Anne Montgomery-Fitzwilliam " * 5)[:NAME_PRINT_LIMIT]
    certificate.course_title = "Housing: recognising and responding to child sexual abuse"
    certificate.quiz_score = 85
    if revoked:
        certificate.revoked_at, certificate.revoked_reason = timezone.now(), "Issued in error " * 30
    reader = PdfReader(io.BytesIO(render_pdf(certificate)))
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    assert certificate.display_code in text and "85%" in text
    assert ("REVOKED" in text) is revoked
