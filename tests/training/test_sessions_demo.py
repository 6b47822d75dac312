"""The demo data has a trainer and sessions to book and to take the register of, and
running seed_demo again changes nothing."""

import io

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from training.models import TRAINERS, Booking, TrainingSession

pytestmark = pytest.mark.django_db


def demo_sessions():
    return TrainingSession.objects.filter(trainers__username="trainer@example.org").order_by("starts_at")


def test_the_demo_trainer_signs_in_in_two_steps_and_runs_three_published_sessions():
    trainer = get_user_model().objects.get(username="trainer@example.org")
    assert trainer.groups.filter(name=TRAINERS).exists()
    assert trainer.check_password("test-demo-password")
    assert Authenticator.objects.filter(user=trainer, type=Authenticator.Type.TOTP).exists()
    sessions = list(demo_sessions())
    assert len(sessions) == 3 and all(session.live for session in sessions)
    now = timezone.now()
    past, online, in_person = sessions
    assert past.starts_at < now < online.starts_at < in_person.starts_at
    assert online.mode == "online" and online.joining_link.startswith("https://")
    assert in_person.mode == "in_person" and in_person.venue and in_person.address
    assert Booking.objects.filter(session=in_person, status="booked").count() == 4
    assert Booking.objects.filter(session=past, status="booked", attendance="").count() == 4
    assert past.register_closed_at is None


def test_running_seed_demo_again_adds_no_sessions_or_bookings():
    before = (demo_sessions().count(), Booking.objects.count())
    call_command("seed_demo", extra_learners=0, stdout=io.StringIO())
    assert (demo_sessions().count(), Booking.objects.count()) == before
