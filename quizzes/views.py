"""The quiz pages and the public traffic-light practice.

Attempts are always looked up through the signed-in learner, so another person's attempt
is not found (404)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from cms.models import Resource
from courses import services as course_services
from quizzes import services
from quizzes.answers import AnswerError, IncompleteAnswer, as_post, is_answered, layout, read_answer
from quizzes.draws import pages
from quizzes.models import AgeBand, Attempt, BandSet, Behaviour, Certainty, Purpose, Quiz, Response, Review
from quizzes.models.bands import COLOUR_MEANING, Colour
from quizzes.scoring import CONFIDENTLY_WRONG_BELOW, mark

SUBMITTED = "This attempt was already submitted: your first answers stand."
UNREADABLE = "Some answers could not be read, so nothing was saved. Please try again."


def _own_attempt(request, attempt_id):
    return get_object_or_404(
        Attempt.objects.select_related("quiz", "enrolment__course"), pk=attempt_id, learner=request.user
    )


@login_required
def quiz(request, slug):
    quiz = get_object_or_404(Quiz.objects.filter(live=True).select_related("course"), slug=slug)
    enrolment = services.open_enrolment(request.user, quiz)
    attempts = services.attempts_for(enrolment, quiz) if enrolment else []
    lessons_done = enrolment is not None and (
        "lessons" not in enrolment.course.required_activities or course_services.lessons_done(enrolment)
    )
    return render(
        request,
        "quizzes/quiz.html",
        {
            "quiz": quiz,
            "enrolment": enrolment,
            "attempts": attempts,
            "lessons_done": lessons_done,
            "passed": any(a.passed for a in attempts),
            "open_attempt": next((a for a in attempts if a.submitted_at is None), None),
            "question_count": _attempt_size(quiz),
            "attempts_left": (quiz.max_attempts - len(attempts)) if quiz.max_attempts else None,
        },
    )


def _attempt_size(quiz):
    return sum(pool.count for pool in quiz.pools.all()) or quiz.questions.filter(live=True).count()


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


@login_required
@require_http_methods(["GET", "POST"])
def check(request, slug):
    """The knowledge check at the start of the course: what it is, then the attempt."""
    quiz = get_object_or_404(Quiz.objects.filter(live=True).select_related("course"), slug=slug)
    enrolment = services.open_enrolment(request.user, quiz)
    done = enrolment and next(
        (a for a in services.attempts_for(enrolment, quiz, Purpose.CHECK) if a.submitted_at), None
    )
    if request.method == "POST":
        try:
            attempt = services.start_check(request.user, quiz)
        except services.QuizError as error:
            messages.error(request, str(error))
            return redirect("quizzes:check", slug=slug)
        return redirect("quizzes:attempt", attempt_id=attempt.pk)
    return render(request, "quizzes/check.html", {"quiz": quiz, "enrolment": enrolment, "done": done})


def _page_context(attempt, all_pages, page_number, previous):
    """The questions of one page, laid out for this attempt."""
    positions = all_pages[page_number - 1]
    return {
        "attempt": attempt,
        "quiz": attempt.quiz,
        "page_number": page_number,
        "page_count": len(all_pages),
        "questions": [(p, layout(attempt.questions[p - 1], f"{attempt.seed}-{p}")) for p in positions],
        "previous": previous,
        "colours": Colour.choices,
        "certainties": Certainty.choices,
    }


def _go(request, attempt, page_number, page_count):
    """Where the learner asked to go after saving a page."""
    wanted = request.POST.get("go", "next")
    if wanted == "previous" and page_number > 1:
        return redirect("quizzes:page", attempt_id=attempt.pk, page=page_number - 1)
    if wanted == "next" and page_number < page_count:
        return redirect("quizzes:page", attempt_id=attempt.pk, page=page_number + 1)
    return redirect("quizzes:summary", attempt_id=attempt.pk)


@login_required
@require_http_methods(["GET", "POST"])
def attempt(request, attempt_id, page=1):
    """One page of an open attempt. Posting it saves its answers on the server (and, from
    the page's script, as she answers: `autosave` replies with JSON instead of a page)."""
    attempt = _own_attempt(request, attempt_id)
    autosave = request.POST.get("autosave") == "1"
    if attempt.submitted_at is not None:
        if request.method == "POST":
            if autosave:
                return JsonResponse({"saved": False, "message": SUBMITTED}, status=409)
            messages.error(request, SUBMITTED)
        return redirect("quizzes:result", attempt_id=attempt.pk)
    all_pages = pages(attempt.questions)
    page_count = len(all_pages)
    if not 1 <= page <= page_count:
        raise Http404
    problems, status = [], 200
    if request.method == "POST":
        positions = all_pages[page - 1]
        try:
            problems = [
                (message, f"question-{position}")
                for message, position in services.save_answers(attempt, positions, request.POST)
            ]
        except AnswerError:
            if autosave:
                return JsonResponse({"saved": False, "message": UNREADABLE}, status=400)
            problems, status = [(UNREADABLE, "")], 400
        except services.AlreadySubmitted:
            if autosave:
                return JsonResponse({"saved": False, "message": SUBMITTED}, status=409)
            messages.error(request, SUBMITTED)
            return redirect("quizzes:result", attempt_id=attempt.pk)
        else:
            if autosave:
                return JsonResponse({"saved": True, "problems": [m for m, _ in problems]})
            if not problems:
                return _go(request, attempt, page, page_count)
    shown = request.POST if status == 400 or problems else as_post(attempt.draft)
    context = _page_context(attempt, all_pages, page, shown)
    return render(request, "quizzes/attempt.html", {**context, "problems": problems}, status=status)


def _answered(attempt):
    """(position, question, answered) for every question of the attempt, and its pages."""
    draft = attempt.draft
    page_of = {p: n for n, positions in enumerate(pages(attempt.questions), 1) for p in positions}
    return [
        {
            "position": position,
            "question": question,
            "page": page_of[position],
            "answered": is_answered(draft.get(str(position), {}), position),
        }
        for position, question in enumerate(attempt.questions, 1)
    ]


@login_required
@require_http_methods(["GET", "POST"])
def summary(request, attempt_id):
    """Moodle's attempt summary: what is answered and what is not, with links, then the
    confirm step that marks the attempt."""
    attempt = _own_attempt(request, attempt_id)
    if attempt.submitted_at is not None:
        if request.method == "POST":
            messages.error(request, SUBMITTED)
        return redirect("quizzes:result", attempt_id=attempt.pk)
    problems = []
    if request.method == "POST":
        try:
            services.submit_attempt(attempt)
        except IncompleteAnswer as error:
            problems = [(message, f"summary-{position}") for message, position in error.problems]
        except AnswerError:
            problems = [(UNREADABLE, "")]
        except services.AlreadySubmitted:
            messages.error(request, SUBMITTED)
            return redirect("quizzes:result", attempt_id=attempt.pk)
        else:
            return redirect("quizzes:result", attempt_id=attempt.pk)
    rows = _answered(attempt)
    answered = sum(row["answered"] for row in rows)
    return render(
        request,
        "quizzes/summary.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "rows": rows,
            "answered": answered,
            "unanswered": len(rows) - answered,
            "problems": problems,
        },
        status=400 if problems else 200,
    )


def _check_feedback_open(attempt):
    """A knowledge check's answers are shown only once the course's quiz is passed or the
    course is complete: before that they would teach the test."""
    return (
        attempt.enrolment.completed_at is not None
        or Attempt.objects.filter(
            enrolment=attempt.enrolment, quiz=attempt.quiz, purpose=Purpose.QUIZ, passed=True
        ).exists()
    )


@login_required
def result(request, attempt_id):
    attempt = _own_attempt(request, attempt_id)
    if attempt.submitted_at is None:
        return redirect("quizzes:attempt", attempt_id=attempt.pk)
    quiz = attempt.quiz
    if attempt.purpose == Purpose.CHECK:
        review = Review.EVERYTHING if _check_feedback_open(attempt) else Review.SCORE
    else:
        review = quiz.review_after(attempt)
    responses = list(Response.objects.filter(attempt=attempt).select_related("version").order_by("position"))
    feedback = [(r, mark(r.shown_snapshot, r.answer)) for r in responses]
    return render(
        request,
        "quizzes/result.html",
        {
            "attempt": attempt,
            "quiz": quiz,
            "review": review,
            "feedback": feedback,
            "confidently_wrong": [
                r
                for r, m in feedback
                if r.certainty == Certainty.VERY_SURE and m.score < CONFIDENTLY_WRONG_BELOW
            ],
            "can_retake": attempt.purpose == Purpose.QUIZ
            and not attempt.passed
            and attempt.enrolment.completed_at is None
            and (not quiz.max_attempts or attempt.number < quiz.max_attempts),
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
        "brook_tool": Resource.objects.filter(key="brook-traffic-light-tool", live=True).first(),
    }


def practice_index(request):
    bands = _current_bands()
    return render(request, "quizzes/practice_index.html", {"bands": bands, **_edition_note(bands)})


def practice(request, band_code):
    bands = _current_bands()
    band = next((b for b in bands if b.code == band_code), None)
    if band is None:
        raise Http404
    behaviours = list(Behaviour.objects.filter(band=band, practice=True, live=True).order_by("pk"))
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
