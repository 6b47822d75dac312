"""The emails booking sends (each once, after the change commits) and what publishing a
changed or cancelled session tells the people booked, through Wagtail's real publish path."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.core import mail
from django.db import transaction

from tests.factories import make_learner
from tests.training.test_notices_support import (
    ADDRESS,
    attached_calendars,
    event_of,
    london,
    make_session,
    place,
    public_address,
)
from training import booking as places
from training.models import Booking, TrainingSession

pytestmark = pytest.mark.django_db

NOW = london(2026, 12, 1, 15, 0)  # a Tuesday afternoon, three months before the session
WHEN = "Tuesday 30 March 2027, 9:30am to 12:30pm"


@pytest.fixture(autouse=True)
def _clock():
    public_address()
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def only_email_to(person):
    assert [message.to for message in mail.outbox] == [[person.email]]
    return mail.outbox[0]


def test_a_place_is_confirmed_once_with_the_details_the_cancel_by_time_and_the_invitation(run_on_commit):
    session = make_session(cancellation_deadline=london(2027, 3, 29, 17, 0))
    person = make_learner("housing", first_name="Holly", last_name="Harris")

    with run_on_commit():
        places.book(session, person)
    with run_on_commit():
        places.book(session, person)  # the same press twice: the place she holds, no second email

    message = only_email_to(person)
    assert message.subject == f"Your place is booked: Recognising child sexual abuse, {WHEN}"
    assert "Hello Holly Harris," in message.body
    assert f"When: {WHEN} (UK time)" in message.body
    assert "Where: Civic Centre, Room 4, 1 High Street Towncastle TC1 1AA" in message.body
    assert "You can cancel online until 5pm on 29 March 2027" in message.body
    assert f"{ADDRESS}/sessions/{session.pk}/" in message.body
    [(mimetype, cal)] = attached_calendars(message)
    assert mimetype == "text/calendar; method=REQUEST"
    assert str(cal["method"]) == "REQUEST"
    assert event_of(cal).decoded("dtstart").astimezone(UTC) == datetime(2027, 3, 30, 8, 30, tzinfo=UTC)


def test_the_joining_link_is_in_the_confirmation_of_an_online_place(run_on_commit):
    session = make_session(mode="online", venue="", address="", joining_link="https://meet.example.org/j/9")
    person = make_learner("housing")
    with run_on_commit():
        places.book(session, person)

    message = only_email_to(person)
    assert "Where: Online" in message.body
    assert "Joining link: https://meet.example.org/j/9" in message.body


def test_a_booking_rolled_back_sends_nothing(run_on_commit):
    session = make_session()
    with run_on_commit(), pytest.raises(RuntimeError), transaction.atomic():
        places.book(session, make_learner("housing"))
        raise RuntimeError

    assert mail.outbox == []


def test_the_waiting_list_promises_nothing_and_a_freed_place_is_offered_with_its_time_limit(run_on_commit):
    session = make_session(capacity=1)
    first, second = make_learner("housing"), make_learner("health")
    with run_on_commit():
        held = places.book(session, first)
    with run_on_commit():
        places.book(session, second)

    waiting = mail.outbox[1]
    assert waiting.to == [second.email]
    assert waiting.subject.startswith("You are on the waiting list: Recognising child sexual abuse")
    assert "We cannot promise you a place." in waiting.body
    assert waiting.attachments == []

    mail.outbox.clear()
    with run_on_commit():
        places.cancel(held)

    cancelled, offered = mail.outbox
    assert cancelled.to == [first.email]
    assert cancelled.subject == f"Cancelled: Recognising child sexual abuse, {WHEN}"
    [(mimetype, cal)] = attached_calendars(cancelled)
    assert (mimetype, str(cal["method"])) == ("text/calendar; method=CANCEL", "CANCEL")
    assert str(event_of(cal)["status"]) == "CANCELLED"
    assert offered.to == [second.email]
    assert offered.subject == f"A place is free for you: Recognising child sexual abuse, {WHEN}"
    assert "It is yours if you accept it by 3pm on 2 December 2026." in offered.body
    assert f"{ADDRESS}/sessions/{session.pk}/" in offered.body
    assert offered.attachments == []


def test_a_mail_server_refusing_does_not_undo_the_booking(run_on_commit, settings):
    settings.EMAIL_BACKEND = "tests.training.test_session_commands.RefusingBackend"
    session = make_session()
    person = make_learner("housing", email="refused@example.org")
    with run_on_commit():
        booking = places.book(session, person)

    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.BOOKED


# Publishing: the real path, a revision saved and published as the approver's "Publish" does.


def publish(session, **changes):
    draft = session.get_latest_revision_as_object() if session.latest_revision_id else session
    for field, value in changes.items():
        setattr(draft, field, value)
    revision = draft.save_revision()
    revision.publish()
    return revision


@pytest.fixture
def booked_session():
    """A published session with one person booked, one offered, one waiting, one cancelled."""
    session = make_session(capacity=2)
    publish(session)
    people = {
        status: place(session, status=status, person=make_learner("housing"))
        for status in [Booking.Status.BOOKED, Booking.Status.OFFERED, Booking.Status.WAITING]
    }
    Booking.objects.filter(pk=people[Booking.Status.OFFERED].pk).update(offered_until=london(2026, 12, 2, 15))
    people["gone"] = place(session, status=Booking.Status.CANCELLED, person=make_learner("housing"))
    return TrainingSession.objects.get(pk=session.pk), people


def test_a_published_change_of_time_updates_everyone_with_a_place_once(booked_session, run_on_commit):
    session, people = booked_session
    reminded = people[Booking.Status.BOOKED]
    Booking.objects.filter(pk=reminded.pk).update(reminder_sent_at=NOW)
    with run_on_commit():
        revision = publish(session, starts_at=london(2027, 3, 31, 13, 0))

    assert TrainingSession.objects.get(pk=session.pk).sequence == 1
    assert Booking.objects.get(pk=reminded.pk).reminder_sent_at is None  # reminded again before the new date
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == sorted(
        [people[Booking.Status.BOOKED].person.email, people[Booking.Status.OFFERED].person.email]
    )
    for message in mail.outbox:
        assert message.subject == (
            "Session changed: Recognising child sexual abuse, now Wednesday 31 March 2027, 1pm to 4pm"
        )
        [(mimetype, cal)] = attached_calendars(message)
        event = event_of(cal)
        assert (str(cal["method"]), event["sequence"]) == ("REQUEST", 1)
        assert event.decoded("dtstart").astimezone(UTC) == datetime(2027, 3, 31, 12, 0, tzinfo=UTC)
    offered = next(m for m in mail.outbox if m.to == [people[Booking.Status.OFFERED].person.email])
    assert "The offer stands until 3pm on 2 December 2026." in offered.body

    mail.outbox.clear()
    with run_on_commit():
        revision.publish()  # the same version again

    assert mail.outbox == []
    assert TrainingSession.objects.get(pk=session.pk).sequence == 1


@pytest.mark.parametrize(
    "change",
    [
        {"duration_minutes": 120},
        {"mode": "online", "joining_link": "https://meet.example.org/j/1"},
        {"venue": "Library, Room 2"},
        {"address": "2 Market Square\nTowncastle TC1 2BB"},
    ],
)
def test_each_change_people_must_know_of_is_sent(booked_session, run_on_commit, change):
    session, _people = booked_session
    with run_on_commit():
        publish(session, **change)

    assert len(mail.outbox) == 2
    assert TrainingSession.objects.get(pk=session.pk).sequence == 1


def test_a_change_that_does_not_move_the_session_sends_nothing(booked_session, run_on_commit):
    session, _people = booked_session
    with run_on_commit():
        publish(session, accessibility="Lift to every floor.", cancellation_deadline=london(2027, 3, 28, 9))

    assert mail.outbox == []
    assert TrainingSession.objects.get(pk=session.pk).sequence == 0


def test_a_revision_drafted_before_a_change_does_not_wind_the_sequence_back(booked_session, run_on_commit):
    session, _people = booked_session
    drafted_early = session.get_latest_revision_as_object()  # holds sequence 0
    with run_on_commit():
        publish(session, venue="Library, Room 2")
    drafted_early.venue = "Library, Room 3"
    with run_on_commit():
        drafted_early.save_revision().publish()

    assert TrainingSession.objects.get(pk=session.pk).sequence == 2
    assert event_of(attached_calendars(mail.outbox[-1])[0][1])["sequence"] == 2


def test_a_published_cancellation_tells_everyone_booked_offered_or_waiting_once(
    booked_session, run_on_commit
):
    session, people = booked_session
    with run_on_commit():
        revision = publish(session, cancelled=True, cancellation_reason="The trainer is unwell")

    by_person = {message.to[0]: message for message in mail.outbox}
    assert set(by_person) == {people[status].person.email for status in Booking.LIVE}
    for status in [Booking.Status.BOOKED, Booking.Status.OFFERED]:
        message = by_person[people[status].person.email]
        assert message.subject == f"Session cancelled: Recognising child sexual abuse, {WHEN}"
        assert "(The trainer is unwell)" in message.body
        [(_mimetype, cal)] = attached_calendars(message)
        event = event_of(cal)
        assert (str(cal["method"]), str(event["status"]), event["sequence"]) == ("CANCEL", "CANCELLED", 1)
    waiting = by_person[people[Booking.Status.WAITING].person.email]
    assert "You were on its waiting list." in waiting.body
    assert waiting.attachments == []

    mail.outbox.clear()
    with run_on_commit():
        revision.publish()
    assert mail.outbox == []


def test_more_places_published_are_offered_to_the_people_waiting(booked_session, run_on_commit):
    session, people = booked_session
    with run_on_commit():
        publish(session, capacity=3)

    waiting = Booking.objects.get(pk=people[Booking.Status.WAITING].pk)
    assert waiting.status == Booking.Status.OFFERED
    assert waiting.offered_until == london(2026, 12, 2, 15, 0)
    [message] = mail.outbox
    assert message.to == [waiting.person.email]
    assert message.subject.startswith("A place is free for you:")
