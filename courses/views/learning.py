"""My learning, starting a course, the confidence surveys and finishing lessons.

Every view finds enrolments through the signed-in learner (`learner=request.user`), so
another person's enrolment is simply not found (404)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from courses import services
from courses.forms import SurveyForm
from courses.models import CoursePage, Enrolment, LearnerProfile, LessonPage, SurveyItem
from courses.progress import journeys, learner_journeys
from identity.views import email_confirmed


def _profile_or_redirect(request):
    profile = LearnerProfile.objects.filter(user=request.user).select_related("agency").first()
    if profile is None:
        messages.info(request, "Tell us your agency and job role before you start a course.")
    return profile


def _own_enrolment(request, enrolment_id):
    return get_object_or_404(
        Enrolment.objects.select_related("course"), pk=enrolment_id, learner=request.user
    )


@login_required
def my_learning(request):
    profile = LearnerProfile.objects.filter(user=request.user).select_related("agency").first()
    courses = list(CoursePage.objects.live().select_related("agency").order_by("path"))
    by_course = learner_journeys(request.user, courses)
    core = [by_course[c.pk] for c in courses if c.agency_id is None]
    own = [by_course[c.pk] for c in courses if profile and c.agency_id == profile.agency_id]
    started_elsewhere = [
        by_course[c.pk]
        for c in courses
        if c.agency_id is not None
        and (not profile or c.agency_id != profile.agency_id)
        and (by_course[c.pk].enrolment is not None)
    ]
    return render(
        request,
        "courses/my_learning.html",
        {
            "profile": profile,
            "core": core,
            "own": own,
            "others": started_elsewhere,
            "refreshers_due": [j for j in core + own + started_elsewhere if j.state == "refresher_due"],
        },
    )


@login_required
@require_POST
def start_course(request, course_id):
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    if _profile_or_redirect(request) is None:
        return redirect("courses:profile")
    if not email_confirmed(request.user):
        return redirect("identity:confirm_email_first")
    try:
        enrolment = services.enrol(request.user, course)
    except services.JourneyError as error:
        messages.error(request, str(error))
        return redirect(course.url)
    return redirect("courses:continue", enrolment_id=enrolment.pk)


@login_required
def continue_course(request, enrolment_id):
    """Resume where the learner stopped: the next thing to do on this enrolment."""
    enrolment = _own_enrolment(request, enrolment_id)
    journey = journeys(request.user, [enrolment.course])[enrolment.course_id]
    step = journey.next_step() if journey.enrolment and journey.enrolment.pk == enrolment.pk else None
    return redirect(step[1] if step else enrolment.course.url)


@login_required
@require_http_methods(["GET", "POST"])
def survey(request, enrolment_id, phase):
    if phase not in ("before", "after"):
        raise Http404
    enrolment = _own_enrolment(request, enrolment_id)
    if enrolment.completed_at is not None:
        messages.info(request, "You have already completed this course.")
        return redirect(enrolment.course.url)
    if enrolment.surveys.filter(phase=phase).exists():
        messages.info(request, "You have already answered this survey. Thank you.")
        return redirect("courses:continue", enrolment_id=enrolment.pk)
    if phase == "after" and not services.other_activities_done(enrolment):
        messages.info(request, "The “after” survey opens when you have finished the course.")
        return redirect("courses:continue", enrolment_id=enrolment.pk)
    form = SurveyForm(
        request.POST or None,
        items=SurveyItem.objects.filter(active=True),
        scale=services.CONFIDENCE_SCALE,
        retrospective=phase == "after",
    )
    if request.method == "POST" and form.is_valid():
        try:
            stored = services.submit_survey(enrolment, phase, form.ratings())
        except services.JourneyError as error:
            messages.error(request, str(error))
            return redirect("courses:continue", enrolment_id=enrolment.pk)
        if stored:
            messages.success(request, "Thank you: your answers are saved.")
        enrolment.refresh_from_db()
        if enrolment.completed_at is not None:
            messages.success(request, f"You have completed {enrolment.course.title}.")
            return redirect("courses:my_learning")
        return redirect("courses:continue", enrolment_id=enrolment.pk)
    return render(
        request,
        "courses/survey.html",
        {
            "form": form,
            "enrolment": enrolment,
            "phase": phase,
            "scale": services.CONFIDENCE_SCALE,
        },
    )


@login_required
@require_POST
def finish_lesson(request, enrolment_id, lesson_id):
    enrolment = _own_enrolment(request, enrolment_id)
    lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_id)
    try:
        services.complete_lesson(enrolment, lesson)
    except services.JourneyError as error:
        messages.error(request, str(error))
    return redirect("courses:continue", enrolment_id=enrolment.pk)
