"""The iCalendar invitation a session sends with its emails and offers as a download.

One VEVENT per session with a UID that never changes (`session-<pk>@<site host>`) and the
session's `sequence`, so a calendar that already holds the invitation updates it in place
when the time or place changes, and removes it on a METHOD:CANCEL. Times are written in
Europe/London with the zone's definition attached, so a calendar on another zone (or a
session across the clocks changing) shows the right hour."""

from dataclasses import dataclass
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from certificates.rendering import default_site, site_address
from cms.models import PartnershipSettings
from training.models import Booking, TrainingSession

LONDON = ZoneInfo("Europe/London")
REQUEST = "REQUEST"
CANCEL = "CANCEL"


@dataclass(frozen=True)
class Origin:
    """Where a session's emails and invitations come from: the public site's address (Settings ›
    Sites, never a development default) and the partnership as organiser, at its contact
    address (Settings › Partnership) or else the address the site's emails come from. Read
    once for a run of many emails."""

    address: str
    organiser_email: str
    organiser_name: str

    @classmethod
    def current(cls) -> "Origin":
        site = default_site()
        partnership = PartnershipSettings.for_site(site) if site else None
        return cls(
            address=site_address(site),
            organiser_email=(partnership and partnership.contact_email) or settings.DEFAULT_FROM_EMAIL,
            organiser_name=partnership.name if partnership else "",
        )

    def session_page(self, session: TrainingSession) -> str:
        """The session's page on the public site."""
        return self.address + reverse("training:session_detail", args=[session.pk])

    def session_uid(self, session: TrainingSession) -> str:
        return f"session-{session.pk}@{urlsplit(self.address).hostname or 'localhost'}"

    def organiser(self) -> vCalAddress:
        address = vCalAddress(f"mailto:{self.organiser_email}")
        if self.organiser_name:
            address.params["cn"] = vText(self.organiser_name)
        return address


def location(session: TrainingSession) -> str:
    if session.mode == TrainingSession.Mode.ONLINE:
        return "Online"
    return ", ".join(part for part in [session.venue, " ".join(session.address.split())] if part)


def description(session: TrainingSession, with_link: bool, page: str) -> str:
    """What a person needs in hand; the joining link only for someone with a confirmed place."""
    parts = []
    if session.mode == TrainingSession.Mode.ONLINE:
        parts.append(
            f"Join online: {session.joining_link}"
            if with_link
            else "Online: the joining link is sent to people with a place."
        )
    if session.accessibility:
        parts.append(f"Accessibility: {session.accessibility}")
    parts.append(f"Details, and to cancel your place: {page}")
    return "\n\n".join(parts)


def invitation(booking: Booking, method: str, origin: Origin | None = None) -> bytes:
    """The invitation for `booking`'s person: REQUEST to add or update her place, CANCEL to
    withdraw it (her cancellation, or the session's)."""
    origin = origin or Origin.current()
    session = booking.session
    page = origin.session_page(session)
    cal = Calendar()
    cal.add("prodid", "-//Safeguarding Learning Hub//Training sessions//EN")
    cal.add("version", "2.0")
    cal.add("method", method)
    event = Event()
    event.add("uid", origin.session_uid(session))
    event.add("sequence", session.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", session.starts_at.astimezone(LONDON))
    event.add("dtend", session.ends_at.astimezone(LONDON))
    event.add("summary", session.course.title)
    event.add("location", location(session))
    with_link = booking.status == Booking.Status.BOOKED and method == REQUEST and not session.cancelled
    event.add("description", description(session, with_link, page))
    event.add("url", page)
    event.add("organizer", origin.organiser())
    attendee = vCalAddress(f"mailto:{booking.person.email}")
    attendee.params["cn"] = vText(booking.person.get_full_name() or booking.person.email)
    event.add("attendee", attendee)
    event.add("status", "CANCELLED" if method == CANCEL or session.cancelled else "CONFIRMED")
    cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
