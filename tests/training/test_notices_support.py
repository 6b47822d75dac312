"""What the notice, calendar and command tests share: a published session, a person's
booking on it, the site's address, and the reading of an email's invitation.

Emails and invitations link to the session's public page, `training:session_detail`
(`/sessions/<id>/`, built with the session pages). Until that page is in this branch,
`urlpatterns` adds a stand-in at the same address so the links can be checked; with the
page present it is the project's own URL configuration unchanged."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.http import HttpResponse
from django.urls import NoReverseMatch, include, path, reverse
from icalendar import Calendar
from wagtail.models import Site

import cms.urls
import training.urls
from tests.factories import make_course, make_learner
from training.models import Booking, TrainingSession

LONDON = ZoneInfo("Europe/London")
HOST = "learning.example.org"
ADDRESS = f"https://{HOST}"


def _session_page_present():
    try:
        reverse("training:session_detail", args=[1])
    except NoReverseMatch:
        return False
    return True


if _session_page_present():
    urlpatterns = cms.urls.urlpatterns
else:
    urlpatterns = [
        path(
            "",
            include(
                (
                    [
                        path("sessions/<int:pk>/", lambda request, pk: HttpResponse(), name="session_detail"),
                        *training.urls.urlpatterns,
                    ],
                    "training",
                )
            ),
        ),
        *(p for p in cms.urls.urlpatterns if getattr(p, "namespace", None) != "training"),
    ]
URLS = __name__


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
