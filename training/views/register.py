"""The trainer's register (on a phone or tablet), the attendees' short-code surveys, and
the leads' sessions report with the page that names who came.

Only a trainer named on a session (or an administrator) reaches its register; anyone else
gets 404 for it, and 403 for the list of sessions to run."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.core import get_usage

from courses import services
from courses.decorators import report_view
from courses.forms import SurveyForm
from courses.models import SurveyItem
from courses.reporting.views import figures_page, filter_context, period_problem, report_scope
from privacy import audit
from training import attendance, register_upload
from training.attendance import RegisterError
from training.models import Booking, TrainingSession

RECENT_DAYS = 14


def _trainer(request: HttpRequest) -> None:
    if not attendance.is_trainer(request.user):
        raise PermissionDenied("This page is for trainers.")


def _session(request: HttpRequest, session_id: int) -> TrainingSession:
    """The session, if `request.user` takes its register; 404 otherwise (even for a trainer)."""
    if not attendance.is_trainer(request.user):
        raise Http404
    return get_object_or_404(attendance.registers_for(request.user).select_related("course"), pk=session_id)


@login_required
def running(request: HttpRequest) -> HttpResponse:
    """The sessions she runs: those still to come and those of the last two weeks."""
    _trainer(request)
    since = timezone.now() - timezone.timedelta(days=RECENT_DAYS)
    sessions = attendance.registers_for(request.user).filter(starts_at__gte=since).select_related("course")
    return render(request, "training/register/running.html", {"sessions": sessions})


@login_required
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest, session_id: int) -> HttpResponse:
    """The register: one radio group per person; one button saves every mark given."""
    session = _session(request, session_id)
    problems = []
    if request.method == "POST":
        try:
            marks = {
                int(key.removeprefix("mark-")): value
                for key, value in request.POST.items()
                if key.startswith("mark-") and value
            }
        except ValueError:
            marks = None
        if marks is None:
            problems.append(("Someone in this register is no longer booked: reload the page.", ""))
        elif not marks:
            problems.append(("Mark at least one person before you save.", "register"))
        else:
            try:
                changed = attendance.mark(session, marks, request.user)
            except RegisterError as error:
                problems.append((str(error), "register"))
            else:
                messages.success(
                    request, f"Register saved: {changed} {'mark' if changed == 1 else 'marks'} changed."
                )
                return redirect("training:register", session_id=session.pk)
    people = list(
        attendance.on_register(session)
        .select_related("person", "agency")
        .order_by("person__last_name", "person__first_name", "pk")
    )
    audit.log(request.user, [booking.person_id for booking in people], audit.VIEWED, "Session register")
    totals = {value: 0 for value in Booking.Attendance.values}
    for booking in people:
        if booking.attendance:
            totals[booking.attendance] += 1
    now = timezone.now()
    return render(
        request,
        "training/register/register.html",
        {
            "session": session,
            "people": people,
            "choices": Booking.Attendance.choices,
            "totals": [(label, totals[value]) for value, label in Booking.Attendance.choices],
            "unmarked": sum(1 for booking in people if not booking.attendance),
            "started": now >= session.starts_at,
            "closed": session.register_closed_at is not None,
            "problems": problems,
        },
        status=400 if problems else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def close(request: HttpRequest, session_id: int) -> HttpResponse:
    """Ask first, then close: completions and certificates for everyone who attended or came late."""
    session = _session(request, session_id)
    if request.method == "POST":
        try:
            completions = attendance.close_register(session, request.user)
        except RegisterError as error:
            messages.error(request, str(error))
            return redirect("training:register", session_id=session.pk)
        messages.success(
            request,
            f"Register closed: {len(completions)} {'person has' if len(completions) == 1 else 'people have'} "
            "a completion and a certificate.",
        )
        return redirect("training:register", session_id=session.pk)
    return render(request, "training/register/close.html", {"session": session})


@login_required
@require_POST
def walk_in(request: HttpRequest, session_id: int) -> HttpResponse:
    """Add someone who came without a place, by the email of her account."""
    session = _session(request, session_id)
    try:
        booking = attendance.add_walk_in(session, request.POST.get("email", ""))
    except RegisterError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, f"{booking.person.get_full_name()} is on the register: mark their attendance."
        )
    return redirect("training:register", session_id=session.pk)


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest, session_id: int) -> HttpResponse:
    """Upload a register: the file is checked and previewed; the trainer's confirmation (the
    checked rows, sent back and checked again) writes it."""
    session = _session(request, session_id)
    problems, rows = [], []
    if request.method == "POST":
        if "confirm" in request.POST:
            emails, marks = request.POST.getlist("email"), request.POST.getlist("attendance")
            lines = [[email, mark] for email, mark in zip(emails, marks, strict=False)]
            table = [(1, ["email", "attendance"]), *enumerate(lines, 2)]
            if len(emails) != len(marks):
                problems = ["Upload the file again."]
        elif request.FILES.get("file"):
            try:
                table = register_upload.read(request.FILES["file"])
            except RegisterError as error:
                table, problems = [], [str(error)]
        else:
            table, problems = [], ["Choose a CSV or Excel (XLSX) file."]
        if not problems:
            rows, problems = register_upload.check(session, table)
        if not problems and "confirm" in request.POST:
            try:
                changed = register_upload.apply(session, rows, request.user)
            except RegisterError as error:
                problems = [str(error)]
            else:
                messages.success(
                    request, f"Register uploaded: {changed} {'mark' if changed == 1 else 'marks'} changed."
                )
                return redirect("training:register", session_id=session.pk)
        if rows:
            audit.log_by_email(
                request.user, [row.email for row in rows], audit.VIEWED, "Session register upload"
            )
    return render(
        request,
        "training/register/upload.html",
        {"session": session, "rows": rows, "problems": [(problem, "file") for problem in problems]},
        status=400 if problems else 200,
    )


@login_required
def upload_template(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _session(request, session_id)
    people = attendance.on_register(session).values_list("person_id", flat=True)
    audit.log(request.user, list(people), audit.EXPORTED, "Session register template, CSV")
    return register_upload.template(session)


# -- surveys by short code ----------------------------------------------------------------------

CODE_RATE = "10/h"  # wrong codes per person: enough for typing slips, too few to guess one


@login_required
@require_http_methods(["GET", "POST"])
def code(request: HttpRequest) -> HttpResponse:
    """An attendee types the code the trainer shows and goes to the survey due now."""
    problems = []
    if request.method == "POST":
        wrong = get_usage(request, group="session-code", key="user", rate=CODE_RATE, increment=False)
        if wrong and wrong["count"] >= wrong["limit"]:
            problems.append(("Too many wrong codes: try again in an hour, or ask the trainer.", "code"))
        else:
            try:
                session = attendance.code_session(request.POST.get("code", ""))
                attendance.join_by_code(session, request.user)
            except RegisterError as error:
                get_usage(request, group="session-code", key="user", rate=CODE_RATE, increment=True)
                problems.append((str(error), "code"))
            else:
                phase = attendance.survey_phase(session, timezone.now())
                return redirect("training:session_survey", session_id=session.pk, phase=phase)
    return render(
        request,
        "training/register/code.html",
        {"problems": problems, "value": request.POST.get("code", "")},
        status=400 if problems else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_survey(request: HttpRequest, session_id: int, phase: str) -> HttpResponse:
    """The before or after survey of the attendee's session enrolment, the same form as the
    e-learning's, while the session's code is valid and this phase is the one due."""
    booking = get_object_or_404(
        Booking.objects.select_related("session__course", "enrolment"),
        session_id=session_id,
        person=request.user,
        status=Booking.Status.BOOKED,
        enrolment__isnull=False,
    )
    session = booking.session
    try:
        attendance.code_session(session.short_code)
    except RegisterError:
        messages.info(request, "The surveys for this session have closed.")
        return redirect("training:code")
    due = attendance.survey_phase(session, timezone.now())
    if phase != due:
        return redirect("training:session_survey", session_id=session.pk, phase=due)
    enrolment = booking.enrolment
    if enrolment.surveys.filter(phase=phase).exists():
        return render(request, "training/register/survey_done.html", {"session": session, "phase": phase})
    form = SurveyForm(
        request.POST or None,
        items=SurveyItem.objects.filter(active=True),
        scale=services.CONFIDENCE_SCALE,
        retrospective=phase == "after",
    )
    if request.method == "POST" and form.is_valid():
        services.submit_survey(enrolment, phase, form.ratings())
        return render(request, "training/register/survey_done.html", {"session": session, "phase": phase})
    return render(
        request,
        "training/register/survey.html",
        {"form": form, "session": session, "phase": phase, "scale": services.CONFIDENCE_SCALE},
    )


# -- the leads' report -----------------------------------------------------------------------


@report_view
def sessions_report(request: HttpRequest) -> HttpResponse:
    """The "Sessions" tab: booked, attended and did not attend per agency, and the no-show rate."""
    return figures_page(
        request,
        report_scope(request),
        "Sessions",
        "sessions",
        "training/register/report.html",
        attendance.session_people,
        lambda scope: (attendance.session_tables(*scope.figures_args), {}),
    )


@report_view
def sessions_people(request: HttpRequest) -> HttpResponse:
    """Who from the lead's agencies had a place on each session that started in the period,
    and whether they came (names, so the view is in the audit log; not in the API)."""
    agencies, period, problem, course, job_role = report_scope(request)
    if problem:
        return period_problem(request, "Who booked and who came", agencies, problem, course, job_role)
    bookings = list(attendance.agency_bookings(agencies, period, course, job_role))
    audit.log(
        request.user, [b.person_id for b in bookings], audit.VIEWED, "Sessions: who booked and who came"
    )
    return render(
        request,
        "training/register/people.html",
        {
            "agencies": agencies,
            "bookings": bookings,
            **filter_context(request, period, problem, course, job_role),
        },
    )


urlpatterns = [
    path("sessions/running/", running, name="running"),
    path("sessions/<int:session_id>/register/", register, name="register"),
    path("sessions/<int:session_id>/register/close/", close, name="close_register"),
    path("sessions/<int:session_id>/register/walk-in/", walk_in, name="walk_in"),
    path("sessions/<int:session_id>/register/upload/", upload, name="upload_register"),
    path("sessions/<int:session_id>/register/upload/template/", upload_template, name="register_template"),
    path("sessions/code/", code, name="code"),
    path("sessions/<int:session_id>/survey/<str:phase>/", session_survey, name="session_survey"),
    path("leads/reports/sessions/", sessions_report, name="report_sessions"),
    path("leads/sessions/people/", sessions_people, name="sessions_people"),
]
