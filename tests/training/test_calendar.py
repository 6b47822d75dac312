"""The iCalendar invitation, read back by the `icalendar` parser, and the "Add to calendar"
download."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse
from icalendar import Calendar

from cms.models import PartnershipSettings
from tests.factories import make_learner
from tests.training.test_notices_support import (
    ADDRESS,
    HOST,
    event_of,
    london,
    make_session,
    place,
    public_address,
)
from training import calendar
from training.models import Booking, TrainingSession

pytestmark = pytest.mark.django_db

LINK = "https://meet.example.org/j/123456"


@pytest.fixture(autouse=True)
def _site():
    public_address()
    partnership = PartnershipSettings.for_site(calendar.default_site())
    partnership.name = "Towncastle Safeguarding Children Partnership"
    partnership.contact_email = "training@towncastle.example.org"
    partnership.save()


def online_session(**fields):
    return make_session(
        mode=TrainingSession.Mode.ONLINE, venue="", address="", joining_link=LINK, sequence=3, **fields
    )


def test_a_place_is_a_request_with_every_field_in_london_time_across_the_clocks_changing():
    # British Summer Time starts on 28 March 2027: 9:30am on the 30th is 08:30 UTC.
    session = online_session()
    booking = place(session)

    cal = Calendar.from_ical(calendar.invitation(booking, calendar.REQUEST))
    event = event_of(cal)

    assert str(cal["method"]) == "REQUEST"
    assert str(event["uid"]) == f"session-{session.pk}@{HOST}"
    assert event["sequence"] == 3
    assert event.decoded("dtstamp") is not None
    assert event["dtstart"].params["TZID"] == "Europe/London"
    assert event.decoded("dtstart").astimezone(UTC) == datetime(2027, 3, 30, 8, 30, tzinfo=UTC)
    assert event.decoded("dtend").astimezone(UTC) == datetime(2027, 3, 30, 11, 30, tzinfo=UTC)
    assert [str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/London"]
    assert str(event["summary"]) == "Recognising child sexual abuse"
    assert str(event["location"]) == "Online"
    assert f"Join online: {LINK}" in str(event["description"])
    assert "Accessibility: Step-free access and a hearing loop." in str(event["description"])
    assert str(event["url"]) == f"{ADDRESS}/sessions/{session.pk}/"
    assert str(event["organizer"]) == "mailto:training@towncastle.example.org"
    assert event["organizer"].params["CN"] == "Towncastle Safeguarding Children Partnership"
    assert str(event["attendee"]) == f"mailto:{booking.person.email}"
    assert str(event["status"]) == "CONFIRMED"


def test_in_winter_the_same_time_is_the_same_hour_in_utc_and_a_room_has_its_address():
    session = make_session(starts_at=london(2027, 3, 2, 9, 30))
    event = event_of(Calendar.from_ical(calendar.invitation(place(session), calendar.REQUEST)))

    assert event.decoded("dtstart").astimezone(UTC) == datetime(2027, 3, 2, 9, 30, tzinfo=UTC)
    assert str(event["location"]) == "Civic Centre, Room 4, 1 High Street Towncastle TC1 1AA"
    assert "Join online" not in str(event["description"])


@pytest.mark.parametrize("status", [Booking.Status.OFFERED, Booking.Status.WAITING])
def test_the_joining_link_is_only_for_a_confirmed_place(status):
    booking = place(online_session(), status=status)
    description = str(
        event_of(Calendar.from_ical(calendar.invitation(booking, calendar.REQUEST)))["description"]
    )

    assert LINK not in description
    assert "the joining link is sent to people with a place" in description


def test_a_withdrawn_place_is_a_cancel_of_the_same_event_without_the_link():
    session = online_session()
    booking = place(session)
    request = event_of(Calendar.from_ical(calendar.invitation(booking, calendar.REQUEST)))
    cal = Calendar.from_ical(calendar.invitation(booking, calendar.CANCEL))
    event = event_of(cal)

    assert str(cal["method"]) == "CANCEL"
    assert str(event["status"]) == "CANCELLED"
    assert str(event["uid"]) == str(request["uid"])
    assert LINK not in str(event["description"])


def test_without_a_contact_address_the_organiser_is_the_sites_sender(settings):
    settings.DEFAULT_FROM_EMAIL = "hub@towncastle.example.org"
    PartnershipSettings.objects.update(contact_email="")
    event = event_of(Calendar.from_ical(calendar.invitation(place(make_session()), calendar.REQUEST)))

    assert str(event["organizer"]) == "mailto:hub@towncastle.example.org"


def download(client, session):
    return client.get(reverse("training:session_calendar", args=[session.pk]))


def test_a_person_with_a_place_downloads_her_invitation_not_kept_by_the_browser(
    client, django_assert_max_num_queries
):
    session = online_session()
    booking = place(session)
    client.force_login(booking.person)

    with django_assert_max_num_queries(12):
        response = download(client, session)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="training-session-{session.pk}.ics"'
    assert "no-store" in response["Cache-Control"]
    event = event_of(Calendar.from_ical(response.content))
    assert str(event["uid"]) == f"session-{session.pk}@{HOST}"
    assert LINK in str(event["description"])


def test_a_cancelled_session_downloads_as_a_cancel(client):
    session = online_session(cancelled=True, cancellation_reason="Trainer unwell")
    booking = place(session)
    client.force_login(booking.person)

    cal = Calendar.from_ical(download(client, session).content)

    assert str(cal["method"]) == "CANCEL"
    assert str(event_of(cal)["status"]) == "CANCELLED"


@pytest.mark.parametrize(
    "status",
    [Booking.Status.WAITING, Booking.Status.OFFERED, Booking.Status.CANCELLED, Booking.Status.LAPSED],
)
def test_without_a_confirmed_place_there_is_nothing_to_download(client, status):
    session = online_session()
    booking = place(session, status=status)
    client.force_login(booking.person)

    assert download(client, session).status_code == 404


def test_another_persons_place_or_an_unpublished_session_is_not_found(client):
    session = online_session()
    place(session)
    client.force_login(make_learner("health"))
    assert download(client, session).status_code == 404

    draft = online_session(live=False)
    client.force_login(place(draft).person)
    assert download(client, draft).status_code == 404


def test_signing_in_comes_first_and_only_reading_is_allowed(client, settings):
    session = online_session()
    response = download(client, session)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(settings.LOGIN_URL) + "?next=/sessions/")

    client.force_login(place(session).person)
    assert client.post(reverse("training:session_calendar", args=[session.pk])).status_code == 405
