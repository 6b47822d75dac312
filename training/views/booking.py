"""The public list of sessions, a session's page with what its reader may do about it, the
learner's own bookings, and the buttons that book, cancel and answer an offer.

Anyone may read the list and a session's page; booking needs an account. The joining link
of an online session is shown only to a person with a place. A booking id in a URL is
looked up among the signed-in person's own bookings, so another person's is a 404."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.db.models import Count, F, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.views.decorators.http import require_GET, require_POST

from courses.models import CoursePage, JobRole, LearnerProfile
from training import booking as places
from training.models import Booking, TrainingSession


def with_places_taken(queryset):
    return queryset.annotate(
        taken=Count("bookings", filter=Q(bookings__status__in=Booking.HOLDS_PLACE, bookings__walk_in=False))
    )


def months_ahead(now, count=12):
    """("2026-12", "December 2026") for this month and the next eleven."""
    local = timezone.localtime(now)
    year, month = local.year, local.month
    choices = []
    for _ in range(count):
        first = local.replace(year=year, month=month, day=1)
        choices.append((f"{year}-{month:02d}", format_date(first, "F Y")))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return choices


class SessionFilterForm(forms.Form):
    course = forms.ModelChoiceField(
        queryset=CoursePage.objects.live().order_by("title"), required=False, empty_label="Any course"
    )
    month = forms.ChoiceField(required=False)
    mode = forms.ChoiceField(
        label="Face to face or online",
        required=False,
        choices=[("", "Either"), *TrainingSession.Mode.choices],
    )
    places_left = forms.BooleanField(label="Only sessions with places left", required=False)

    def __init__(self, *args, now=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = [("", "Any month"), *months_ahead(now or timezone.now())]

    def filter(self, queryset):
        data = self.cleaned_data
        if data.get("course"):
            queryset = queryset.filter(course=data["course"])
        if data.get("month"):
            year, month = (int(part) for part in data["month"].split("-"))
            queryset = queryset.filter(starts_at__year=year, starts_at__month=month)
        if data.get("mode"):
            queryset = queryset.filter(mode=data["mode"])
        if data.get("places_left"):
            queryset = queryset.filter(capacity__gt=F("taken"))
        return queryset


@require_GET
def session_list(request):
    """Upcoming sessions that are published and not cancelled, soonest first."""
    now = timezone.now()
    form = SessionFilterForm(request.GET or None, now=now)
    sessions = with_places_taken(
        TrainingSession.objects.filter(live=True, cancelled=False, starts_at__gt=now).select_related("course")
    )
    if form.is_bound and form.is_valid():
        sessions = form.filter(sessions)
    elif form.is_bound:
        sessions = sessions.none()
    sessions = list(sessions.order_by("starts_at", "pk"))
    for session in sessions:
        session.when = places.when(session)
        session.places_left = max(session.capacity - session.taken, 0)
    return render(request, "training/sessions/list.html", {"form": form, "sessions": sessions})


def _profile(user):
    return LearnerProfile.objects.filter(user=user).select_related("agency").first()


@require_GET
def session_detail(request, session_id):
    session = get_object_or_404(
        with_places_taken(TrainingSession.objects.filter(live=True).select_related("course")), pk=session_id
    )
    now = timezone.now()
    held = reason = None
    if request.user.is_authenticated:
        held = Booking.objects.filter(session=session, person=request.user, status__in=Booking.LIVE).first()
        if held is None:
            reason = places.why_not_bookable(session, _profile(request.user), now)
            other = None if reason else places.clash(session, request.user)
            if other is not None:
                reason = f"You already have a place on a session at that time: {places.when(other)}."
    else:
        reason = places.why_closed(session, now)
    agencies = [agency.name for agency in session.agencies.all()]
    return render(
        request,
        "training/sessions/detail.html",
        {
            "session": session,
            "when": places.when(session),
            "places_left": max(session.capacity - session.taken, 0),
            "trainers": [trainer.get_full_name() or trainer.email for trainer in session.trainers.all()],
            "agencies": agencies,
            "job_roles": [JobRole(role).label for role in session.job_roles if role in JobRole.values],
            "opens": session.booking_opens_at and places.moment(session.booking_opens_at),
            "closes": places.moment(places.booking_closes(session)),
            "cancel_by": places.moment(places.cancel_by(session)),
            "can_cancel": now < places.cancel_by(session),
            "held": held,
            "offered_until": held and held.offered_until and places.moment(held.offered_until),
            "reason": reason,
            "sign_in": f"{reverse('courses:login')}?next={request.path}",
        },
    )


@require_GET
@login_required
def my_sessions(request):
    bookings = (
        Booking.objects.filter(person=request.user)
        .exclude(walk_in=True)
        .select_related("session__course")
        .order_by("-session__starts_at", "-pk")
    )
    now = timezone.now()
    upcoming, past = [], []
    for held in bookings:
        held.when = places.when(held.session)
        (upcoming if held.session.starts_at > now else past).append(held)
    upcoming.reverse()  # soonest first
    return render(request, "training/sessions/mine.html", {"upcoming": upcoming, "past": past})


@require_POST
def book(request, session_id):
    session = get_object_or_404(TrainingSession, pk=session_id, live=True)
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("training:session_detail", args=[session.pk]))
    try:
        held = places.book(session, request.user)
    except places.BookingError as error:
        messages.error(request, str(error))
    else:
        if held.status == Booking.Status.BOOKED:
            messages.success(request, "You have a place on this session.")
        else:
            messages.success(request, "The session is full: you are on the waiting list.")
    return redirect("training:session_detail", session.pk)


def _own_booking(request, booking_id):
    return get_object_or_404(Booking, pk=booking_id, person=request.user)


@require_POST
@login_required
def cancel(request, booking_id):
    held = _own_booking(request, booking_id)
    was = held.status
    try:
        places.cancel(held)
    except places.BookingError as error:
        messages.error(request, str(error))
    else:
        if was == Booking.Status.WAITING:
            messages.success(request, "You have left the waiting list.")
        elif was in Booking.LIVE:
            messages.success(request, "You have given up your place.")
    return redirect("training:session_detail", held.session_id)


@require_POST
@login_required
def accept(request, booking_id):
    held = _own_booking(request, booking_id)
    try:
        places.accept_offer(held)
    except places.BookingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "You have a place on this session.")
    return redirect("training:session_detail", held.session_id)


@require_POST
@login_required
def decline(request, booking_id):
    """Turning an offer down gives the place to the next person waiting (booking.cancel)."""
    held = _own_booking(request, booking_id)
    if held.status != Booking.Status.OFFERED:
        messages.error(request, "You have no offer of a place on this session to decline.")
    else:
        places.cancel(held)
        messages.success(request, "You have declined the place.")
    return redirect("training:session_detail", held.session_id)


urlpatterns = [
    path("sessions/", session_list, name="session_list"),
    path("sessions/mine/", my_sessions, name="my_sessions"),
    path("sessions/<int:session_id>/", session_detail, name="session_detail"),
    path("sessions/<int:session_id>/book/", book, name="book"),
    path("sessions/bookings/<int:booking_id>/cancel/", cancel, name="cancel_booking"),
    path("sessions/bookings/<int:booking_id>/accept/", accept, name="accept_offer"),
    path("sessions/bookings/<int:booking_id>/decline/", decline, name="decline_offer"),
]
