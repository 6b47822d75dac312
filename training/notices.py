"""The emails a session sends the people booked on it, each with what they need in hand:
the time and place (or the joining link), and an iCalendar invitation they can add.

Each function is called after the change it announces has committed (`transaction.on_commit`),
so a rolled-back change sends nothing and each change sends once. The wording lives in
`training/templates/training/email/<kind>.txt`: the first line is the subject, the rest the
body. A mail server refusing one person's email is logged and does not stop the others (nor
undo the booking that has already committed); the reminder command, which can try again
next run, handles refusals itself (`compose` and `send_session_reminders`)."""

import logging
from smtplib import SMTPException

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone

from training import booking as places  # (booking imports this module: read at call time)
from training import calendar
from training.models import Booking, TrainingSession

logger = logging.getLogger(__name__)


def at(moment) -> str:
    """'3pm on 2 December 2026'."""
    return f"{places.clock(moment)} on {timezone.localtime(moment):%-d %B %Y}"


def compose(
    kind: str, booking: Booking, method: str | None = None, origin: calendar.Origin | None = None
) -> EmailMessage:
    """The email of `kind` to `booking`'s person, with the invitation (`method` REQUEST or
    CANCEL) attached when given. Pass `origin` when sending many."""
    origin = origin or calendar.Origin.current()
    session = booking.session
    context = {
        "name": booking.person.get_full_name() or booking.person.email,
        "booking": booking,
        "session": session,
        "course": session.course.title,
        "when": places.when(session),
        "where": calendar.location(session),
        "online": session.mode == TrainingSession.Mode.ONLINE,
        "joining_link": session.joining_link
        if booking.status == Booking.Status.BOOKED and not session.cancelled
        else "",
        "page": origin.session_page(session),
        "cancel_by": at(places.cancel_by(session)),
        "offered_until": at(booking.offered_until) if booking.offered_until else "",
    }
    subject, body = render_to_string(f"training/email/{kind}.txt", context).split("\n", 1)
    message = EmailMessage(subject.strip(), body.lstrip("\n"), None, [booking.person.email])
    if method:
        message.attach(
            "session.ics" if method == calendar.REQUEST else "session-cancelled.ics",
            calendar.invitation(booking, method, origin),
            f"text/calendar; method={method}",
        )
    return message


def deliver(message: EmailMessage) -> bool:
    try:
        message.send()
    except (SMTPException, OSError):
        logger.exception("The mail server refused a session email to %s", message.to)
        return False
    return True


def booked(booking):
    """A place is confirmed: the confirmation, with the invitation attached."""
    deliver(compose("booked", booking, calendar.REQUEST))


def waiting(booking):
    """The session is full: she is on the waiting list."""
    deliver(compose("waiting", booking))


def offered(booking):
    """A place freed up and is offered to her until `booking.offered_until`."""
    deliver(compose("offered", booking))


def cancelled_by_person(booking):
    """She gave up her place (or left the waiting list): the invitation is withdrawn."""
    deliver(compose("cancelled_by_person", booking, calendar.CANCEL))


def reminder(booking, origin: calendar.Origin) -> EmailMessage:
    """The reminder two days before (sent by `send_session_reminders`, which claims it first)."""
    return compose("reminder", booking, calendar.REQUEST, origin)


def session_changed(session: TrainingSession):
    """A published change of time or place: everyone with a place, or offered one, gets the
    new details and an updated invitation (same UID, the new SEQUENCE)."""
    origin = calendar.Origin.current()
    for booking in _bookings(session, Booking.HOLDS_PLACE):
        deliver(compose("session_changed", booking, calendar.REQUEST, origin))


def session_cancelled(session: TrainingSession):
    """The session is cancelled: everyone booked, offered or waiting is told; those who held
    an invitation get a CANCEL that takes it out of their calendar."""
    origin = calendar.Origin.current()
    for booking in _bookings(session, Booking.LIVE):
        method = calendar.CANCEL if booking.status in Booking.HOLDS_PLACE else None
        deliver(compose("session_cancelled", booking, method, origin))


def _bookings(session, statuses):
    return (
        Booking.objects.filter(session=session, status__in=statuses)
        .select_related("person", "session__course")
        .order_by("pk")
    )
