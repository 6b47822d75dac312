"""The scheduled commands: reminders two days before (each place reminded exactly once, by
however many runs, at once or after a failure) and lapsing offers."""

import io
from datetime import timedelta
from smtplib import SMTPRecipientsRefused

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.concurrency import learner_and_course, run_at_once
from tests.factories import make_learner
from tests.training.test_notices_support import (
    attached_calendars,
    london,
    make_session,
    place,
    public_address,
)
from training.models import Booking, TrainingSession


class RefusingBackend(EmailBackend):
    """The in-memory backend, with a mail server that refuses anything to refused@…."""

    def send_messages(self, messages):
        for message in messages:
            if any(to.startswith("refused@") for to in message.to):
                raise SMTPRecipientsRefused({message.to[0]: (550, b"No such mailbox")})
        return super().send_messages(messages)



NOW = london(2026, 12, 1, 15, 0)


@pytest.fixture
def _clock():
    public_address()
    with time_machine.travel(NOW, tick=False):
        yield


def remind():
    out = io.StringIO()
    call_command("send_session_reminders", stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def sessions(_clock):
    """Places on sessions in and out of the next 48 hours."""
    soon = make_session(starts_at=NOW + timedelta(hours=47))
    first, second = place(soon), place(soon, person=make_learner("health"))
    already = place(soon, person=make_learner("police"), reminder_sent_at=NOW - timedelta(hours=1))
    waiting = place(soon, status=Booking.Status.WAITING, person=make_learner("housing"))
    offered = place(soon, status=Booking.Status.OFFERED, person=make_learner("housing"))
    gave_up = place(soon, status=Booking.Status.CANCELLED, person=make_learner("housing"))
    later = place(make_session(starts_at=NOW + timedelta(hours=49)), person=make_learner("housing"))
    cancelled = place(
        make_session(starts_at=NOW + timedelta(hours=24), cancelled=True, cancellation_reason="Snow"),
        person=make_learner("housing"),
    )
    draft = place(
        make_session(starts_at=NOW + timedelta(hours=24), live=False), person=make_learner("housing")
    )
    started = place(make_session(starts_at=NOW - timedelta(minutes=10)), person=make_learner("housing"))
    return {
        "due": [first, second],
        "not due": [already, waiting, offered, gave_up, later, cancelled, draft, started],
    }


@pytest.mark.django_db
def test_each_place_starting_within_48_hours_is_reminded_once_however_often_it_runs(sessions):
    assert remind() == "2 reminders sent, 0 refused by the mail server.\n"
    assert remind() == "0 reminders sent, 0 refused by the mail server.\n"

    assert sorted(m.to[0] for m in mail.outbox) == sorted(b.person.email for b in sessions["due"])
    message = mail.outbox[0]
    when = timezone.localtime(NOW + timedelta(hours=47))
    assert message.subject == f"Reminder: Recognising child sexual abuse, {when:%A %-d %B %Y}, 2pm to 5pm"
    [(_mimetype, cal)] = attached_calendars(message)
    assert str(cal["method"]) == "REQUEST"
    for booking in sessions["due"]:
        assert Booking.objects.get(pk=booking.pk).reminder_sent_at == NOW
    for booking in sessions["not due"]:
        assert Booking.objects.get(pk=booking.pk).reminder_sent_at == booking.reminder_sent_at


@pytest.mark.django_db
def test_a_run_costs_the_same_few_queries_plus_the_claim_of_each_place(sessions):
    """The session, course and person come with the places; the site and partnership are read
    once. Each place adds only its claim: a savepoint, the conditional update, its release."""
    with CaptureQueriesContext(connection) as two_places:
        remind()
    soon = sessions["due"][0].session
    for _ in range(5):
        place(soon, person=make_learner("housing"))
    with CaptureQueriesContext(connection) as five_places:
        assert remind() == "5 reminders sent, 0 refused by the mail server.\n"

    assert len(five_places) - len(two_places) == 3 * (5 - 2)
    assert len(two_places) <= 6 + 3 * 2


@pytest.mark.django_db
def test_a_refused_reminder_is_left_unclaimed_and_sent_by_the_next_run(sessions, settings):
    soon = sessions["due"][0].session
    refused = place(soon, person=make_learner("housing", email="refused@example.org"))
    settings.EMAIL_BACKEND = "tests.training.test_session_commands.RefusingBackend"

    assert remind() == "2 reminders sent, 1 refused by the mail server.\n"
    assert Booking.objects.get(pk=refused.pk).reminder_sent_at is None

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert remind() == "1 reminders sent, 0 refused by the mail server.\n"
    assert [m.to for m in mail.outbox].count(["refused@example.org"]) == 1
    assert len(mail.outbox) == 3


@pytest.mark.django_db
def test_an_offer_past_its_time_lapses_once_and_the_place_goes_to_the_next_person(
    _clock, django_capture_on_commit_callbacks
):
    session = make_session(capacity=1)
    offered = place(session, status=Booking.Status.OFFERED, offered_until=NOW - timedelta(minutes=1))
    first = place(session, status=Booking.Status.WAITING, person=make_learner("health"))
    place(session, status=Booking.Status.WAITING, person=make_learner("police"))
    Booking.objects.filter(pk=first.pk).update(booked_at=NOW - timedelta(days=2))  # waited longest

    with django_capture_on_commit_callbacks(execute=True):
        call_command("lapse_session_offers", stdout=(out := io.StringIO()))
        call_command("lapse_session_offers", stdout=(again := io.StringIO()))

    assert out.getvalue() == "1 offers lapsed.\n"
    assert again.getvalue() == "0 offers lapsed.\n"
    assert Booking.objects.get(pk=offered.pk).status == Booking.Status.LAPSED
    first.refresh_from_db()
    assert (first.status, first.offered_until) == (Booking.Status.OFFERED, NOW + timedelta(hours=24))
    [message] = mail.outbox
    assert message.to == [first.person.email]
    assert "accept it by 3pm on 2 December 2026" in message.body


def test_two_runs_at_once_on_postgresql_send_each_reminder_once(committed):
    """Two machines' cron at the same minute: each place is claimed by one of them."""
    person, course = learner_and_course(committed)
    session = make_session(starts_at=timezone.now() + timedelta(hours=30), course=course)
    people = [person] + [make_learner("housing") for _ in range(9)]
    committed["users"].extend(people[1:])
    try:
        for someone in people:
            place(session, person=someone)

        def run():
            call_command("send_session_reminders", stdout=io.StringIO(), stderr=io.StringIO())

        _results, errors = run_at_once(4, run)

        assert errors == []
        assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
        assert not Booking.objects.filter(session=session, reminder_sent_at__isnull=True).exists()
    finally:
        Booking.objects.filter(session=session).delete()
        TrainingSession.objects.filter(pk=session.pk).delete()
