"""What the notice, calendar and command tests share: a published session, a person's
booking on it, the site's address, and the reading of an email's invitation."""

from datetime import datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar
from wagtail.models import Site

from tests.factories import make_course, make_learner
from training.models import Booking, TrainingSession

LONDON = ZoneInfo("Europe/London")
HOST = "learning.example.org"
ADDRESS = f"https://{HOST}"




def public_address():
    Site.objects.filter(is_default_site=True).update(hostname=HOST, port=443)


def london(*parts):
    return datetime(*parts, tzinfo=LONDON)


def make_session(starts_at=None, course=None, **fields):
    values = {
        "course": course or make_course(lessons=1, title="Recognising child sexual abuse"),
        "starts_at": starts_at or london(2027, 3, 30, 9, 30),
        "duration_minutes": 180,
        "mode": TrainingSession.Mode.IN_PERSON,
        "venue": "Civic Centre, Room 4",
        "address": "1 High Street\nTowncastle TC1 1AA",
        "accessibility": "Step-free access and a hearing loop.",
        "capacity": 20,
        "live": True,
    }
    values.update(fields)
    return TrainingSession.objects.create(**values)


def place(session, status=Booking.Status.BOOKED, person=None, **fields):
    person = person or make_learner("housing", first_name="Holly", last_name="Harris")
    return Booking.objects.create(
        session=session,
        person=person,
        agency=person.learner_profile.agency,
        job_role=person.learner_profile.job_role,
        status=status,
        **fields,
    )


def attached_calendars(message):
    """(content type, parsed calendar) of each iCalendar attachment of an email."""
    found = []
    for _name, content, mimetype in message.attachments:
        if mimetype.startswith("text/calendar"):
            found.append((mimetype, Calendar.from_ical(content)))
    return found


def event_of(calendar):
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return events[0]
