"""The quiz pages and the public traffic-light practice.

Attempts are always looked up through the signed-in learner, so another person's attempt
is not found (404)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from cms.models import Resource
from quizzes import services
from quizzes.answers import AnswerError, IncompleteAnswer, layout, read_answer, read_answers
from quizzes.models import AgeBand, Attempt, BandSet, Behaviour, Quiz, Response
from quizzes.models.bands import COLOUR_MEANING, Colour
from quizzes.scoring import mark


def _own_attempt(request, attempt_id):
    return get_object_or_404(
        Attempt.objects.select_related("quiz", "enrolment__course"), pk=attempt_id, learner=request.user
    )


@login_required
def quiz(request, slug):
    quiz = get_object_or_404(Quiz.objects.select_related("course"), slug=slug)
    enrolment = services.open_enrolment(request.user, quiz)
    attempts = services.attempts_for(enrolment, quiz) if enrolment else []
    return render(
        request,
        "quizzes/quiz.html",
        {
            "quiz": quiz,
            "enrolment": enrolment,
            "attempts": attempts,
            "passed": any(a.passed for a in attempts),
            "open_attempt": next((a for a in attempts if a.submitted_at is None), None),
            "question_count": quiz.questions.count(),
            "attempts_left": (quiz.max_attempts - len(attempts)) if quiz.max_attempts else None,
        },
    )


@login_required
@require_POST
def start(request, slug):
    quiz = get_object_or_404(Quiz, slug=slug)
    try:
        attempt = services.start_attempt(request.user, quiz)
    except services.QuizError as error:
        messages.error(request, str(error))
        return redirect("quizzes:quiz", slug=slug)
    return redirect("quizzes:attempt", attempt_id=attempt.pk)


def _shown(attempt):
    return [
        (position, layout(snapshot, f"{attempt.pk}-{position}"))
        for position, snapshot in enumerate(attempt.questions, 1)
    ]


@login_required
@require_http_methods(["GET", "POST"])
def attempt(request, attempt_id):
    attempt = _own_attempt(request, attempt_id)
    if attempt.submitted_at is not None:
        if request.method == "POST":
            messages.error(request, "This attempt was already submitted: your first answers stand.")
        return redirect("quizzes:result", attempt_id=attempt.pk)
    problems, status, previous = [], 200, {}
    if request.method == "POST":
        try:
            answers = read_answers(attempt.questions, request.POST)
            services.submit_attempt(attempt, answers)
        except AnswerError:
            problems = [("Some answers could not be read, so nothing was saved. Please try again.", "")]
            status = 400
        except IncompleteAnswer as error:
            problems = [(message, f"question-{position}") for message, position in error.problems]
            previous = request.POST
        except services.AlreadySubmitted:
            messages.error(request, "This attempt was already submitted: your first answers stand.")
            return redirect("quizzes:result", attempt_id=attempt.pk)
        else:
            return redirect("quizzes:result", attempt_id=attempt.pk)
    return render(
        request,
        "quizzes/attempt.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "questions": _shown(attempt),
            "problems": problems,
            "previous": previous,
            "colours": Colour.choices,
        },
        status=status,
    )


@login_required
def result(request, attempt_id):
    attempt = _own_attempt(request, attempt_id)
    if attempt.submitted_at is None:
        return redirect("quizzes:attempt", attempt_id=attempt.pk)
    responses = list(Response.objects.filter(attempt=attempt).order_by("position"))
    feedback = [(r, mark(r.snapshot, r.answer)) for r in responses]
    return render(
        request,
        "quizzes/result.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "feedback": feedback,
            "can_retake": not attempt.passed
            and attempt.enrolment.completed_at is None
            and (not attempt.quiz.max_attempts or attempt.number < attempt.quiz.max_attempts),
        },
    )


# -- practice: sort the behaviours (public, records nothing) --------------------------------


def _current_bands():
    band_set = BandSet.objects.filter(current=True).first()
    return list(AgeBand.objects.filter(band_set=band_set).order_by("sort_order")) if band_set else []


def _edition_note(bands):
    """What the edition note on the practice pages needs: the set the exercise uses, the ages
    that sit in two of its bands, and Brook's own tool (the shipped resource, if loaded)."""
    if not bands:
        return {}
    band_set = bands[0].band_set
    return {
        "band_set": band_set,
        "shared_ages": band_set.shared_ages(bands),
        "brook_tool": Resource.objects.filter(key="brook-traffic-light-tool").first(),
    }


def practice_index(request):
    bands = _current_bands()
    return render(request, "quizzes/practice_index.html", {"bands": bands, **_edition_note(bands)})


def practice(request, band_code):
    bands = _current_bands()
    band = next((b for b in bands if b.code == band_code), None)
    if band is None:
        raise Http404
    behaviours = list(Behaviour.objects.filter(band=band, practice=True).order_by("pk"))
    snapshot = {
        "type": "traffic_light_sort",
        "band": band.label,
        "text": "Is each behaviour green, amber or red?",
        "items": [
            {"id": b.pk, "text": b.text, "correct": b.colour, "reasoning": b.reasoning} for b in behaviours
        ],
    }
    marked, problems = None, []
    if request.method == "POST":
        try:
            marked = mark(snapshot, read_answer(snapshot, request.POST, 1))
        except AnswerError:
            problems = [("Some answers could not be read. Please try again.", "")]
    return render(
        request,
        "quizzes/practice.html",
        {
            "band": band,
            "question": snapshot,
            "position": 1,
            "marked": marked,
            "problems": problems,
            "colours": Colour.choices,
            "meanings": COLOUR_MEANING,
            "previous": request.POST,
            **_edition_note(bands),
        },
        status=400 if problems else 200,
    )
