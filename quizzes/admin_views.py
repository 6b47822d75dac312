"""Admin views beyond Wagtail's snippet screens: reorder a quiz's questions, import questions
from Moodle XML or GIFT (with a preview), and export a quiz to Moodle XML. Each checks the
same permission as the menu button that leads to it."""

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from quizzes.interchange import gift, moodle_xml
from quizzes.interchange.data import QuestionDataError, quiz_to_data
from quizzes.interchange.plan import (
    MAX_IMPORT_BYTES,
    ImportError_,
    apply_plan,
    imported_message,
    reused,
    workflow_on,
)
from quizzes.interchange.uploads import save_upload, take_upload
from quizzes.models import Question, Quiz

FORMATS = {"moodlexml": moodle_xml.parse, "gift": gift.parse}
_signer = signing.TimestampSigner(salt="quizzes.import")


def _quiz_for(request, quiz_id):
    if not request.user.has_perm("quizzes.change_quiz"):
        raise PermissionDenied
    return get_object_or_404(Quiz, pk=quiz_id)


def reorder(request, quiz_id):
    """Number the questions; works without JavaScript."""
    quiz = _quiz_for(request, quiz_id)
    # Numbering reads and writes only the base row, so there is no need to fetch each subclass.
    questions = list(Question.objects.filter(quiz=quiz).non_polymorphic().order_by("sort_order", "pk"))
    errors = []
    if request.method == "POST":
        positions = {}
        for question in questions:
            value = request.POST.get(f"position-{question.pk}", "")
            if not value.isdigit() or not 1 <= int(value) <= len(questions):
                errors.append(f"Give every question a position from 1 to {len(questions)}.")
                break
            positions[question.pk] = int(value)
        if not errors and len(set(positions.values())) != len(positions):
            errors.append("Two questions have the same position.")
        if not errors:
            with transaction.atomic():
                for question in questions:
                    Question.objects.filter(pk=question.pk).update(sort_order=positions[question.pk])
            messages.success(request, f"The questions of “{quiz}” are in their new order.")
            return redirect(reverse("quizzes_reorder", args=[quiz.pk]))
    return TemplateResponse(
        request,
        "quizzes/admin/reorder.html",
        {
            "quiz": quiz,
            "questions": questions,
            "errors": errors,
            "page_title": f"Reorder questions: {quiz}",
        },
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        help_text=f"A Moodle XML or GIFT file, at most {MAX_IMPORT_BYTES // 1024 // 1024} MB."
    )
    format = forms.ChoiceField(choices=[("moodlexml", "Moodle XML"), ("gift", "GIFT")])


def import_questions(request, quiz_id):
    """Upload, see what would be created, then confirm. Nothing is created before that."""
    quiz = _quiz_for(request, quiz_id)
    context = {"quiz": quiz, "page_title": f"Import questions into {quiz}"}
    if request.method == "POST" and "token" in request.POST:
        try:
            name, fmt = _signer.unsign(request.POST["token"], max_age=3600).split(":")
            parse = FORMATS[fmt]
            content = take_upload(name)
        except (signing.BadSignature, FileNotFoundError, ValueError, KeyError):
            messages.error(request, "That import has expired. Please upload the file again.")
            return redirect(reverse("quizzes_import", args=[quiz.pk]))
        drafts = workflow_on()
        try:
            created = apply_plan(quiz, parse(content), request.user)
        except (ImportError_, QuestionDataError) as error:
            messages.error(request, f"Nothing was imported. {error}")
            return redirect(reverse("quizzes_import", args=[quiz.pk]))
        messages.success(request, f"{imported_message(len(created), drafts)} (into “{quiz}”).")
        return redirect(reverse("quizzes_reorder", args=[quiz.pk]))
    form = ImportForm(request.POST or None, request.FILES or None)
    context["form"] = form
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            form.add_error("file", f"The file is larger than {MAX_IMPORT_BYTES // 1024 // 1024} MB.")
        else:
            content = upload.read()
            try:
                plan = FORMATS[form.cleaned_data["format"]](content)
            except ImportError_ as error:
                form.add_error("file", str(error))
            else:
                name = save_upload(content)
                context.update(
                    plan=plan,
                    reused=reused(quiz, plan),
                    token=_signer.sign(f"{name}:{form.cleaned_data['format']}"),
                )
    return TemplateResponse(request, "quizzes/admin/import.html", context)


def export_moodle(request, quiz_id):
    quiz = _quiz_for(request, quiz_id)
    vignettes = {
        v.key: {
            "title": v.title,
            "text": v.text,
            "agency": v.agency.code if v.agency_id else None,
            "age_band": v.age_band.code if v.age_band_id else None,
        }
        for v in quiz.vignettes.select_related("agency", "age_band")
    }
    content = moodle_xml.export(quiz, quiz_to_data(quiz), vignettes)
    response = HttpResponse(content, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{quiz.slug}-moodle.xml"'
    return response
