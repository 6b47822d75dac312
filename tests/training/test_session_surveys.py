"""Attendees answer the before and after surveys on their phones with the session's short
code; the answers belong to the session's enrolment and count in the confidence report."""

from datetime import date, timedelta

import pytest
import time_machine
from django.utils import timezone

from cms.models import Agency
from courses import reports
from courses.models import DeliveryMode, SurveyItem, SurveySubmission
from tests.factories import make_learner
from tests.training.test_register_views import book, make_session, make_trainer
from training.models import Booking

pytestmark = pytest.mark.django_db
CODE = "/sessions/code/"


def answers(phase, rating, retro=1):
    data = {}
    for item in SurveyItem.objects.filter(active=True):
        data[f"item-{item.pk}"] = str(rating)
        if phase == "after":
            data[f"retro-{item.pk}"] = str(retro)
    return data


@pytest.fixture
def session():
    """Started an hour ago, three hours long: its midpoint is half an hour from now."""
    return make_session([make_trainer()])


def test_a_booked_attendee_answers_the_before_survey_once(client, session):
    person = make_learner()
    booking = book(session, person)
    client.force_login(person)
    response = client.post(CODE, {"code": session.short_code.lower()})
    assert response["Location"] == f"/sessions/{session.pk}/survey/before/"
    page = client.get(response["Location"])
    assert "Before the session: how confident do you feel?" in page.content.decode()
    client.post(response["Location"], answers("before", 2))
    booking.refresh_from_db()
    assert booking.enrolment.delivery_mode == DeliveryMode.SESSION
    assert booking.enrolment.completed_at is None
    assert list(
        SurveySubmission.objects.filter(enrolment=booking.enrolment).values_list("phase", flat=True)
    ) == ["before"]
    again = client.post(response["Location"], answers("before", 5))
    assert "your answers are saved" in again.content.decode()
    assert SurveySubmission.objects.filter(enrolment=booking.enrolment).count() == 1
    assert set(booking.enrolment.responses.values_list("rating", flat=True)) == {2}


def test_someone_without_a_place_becomes_an_unmarked_walk_in(client, session):
    person = make_learner("police")
    client.force_login(person)
    client.post(CODE, {"code": session.short_code})
    booking = Booking.objects.get(session=session, person=person)
    assert (booking.status, booking.walk_in, booking.attendance) == ("booked", True, "")
    assert booking.enrolment is not None


def test_after_the_midpoint_the_after_survey_asks_looking_back_too(client, session):
    person = make_learner()
    booking = book(session, person)
    client.force_login(person)
    with time_machine.travel(timezone.now() + timedelta(hours=1), tick=False):
        response = client.post(CODE, {"code": session.short_code})
        assert response["Location"] == f"/sessions/{session.pk}/survey/after/"
        page = client.get(response["Location"]).content.decode()
        assert "Looking back, how confident were you before" in page
        # The before survey is no longer due: its address sends her to the after survey.
        assert client.get(f"/sessions/{session.pk}/survey/before/")["Location"].endswith("/survey/after/")
        client.post(response["Location"], answers("after", 4, retro=1))
    booking.refresh_from_db()
    phases = set(booking.enrolment.responses.values_list("phase", flat=True))
    assert phases == {"after", "retrospective"}


@pytest.mark.parametrize(
    "starts_in, minutes",
    [
        (timedelta(minutes=31), 60),  # more than 30 minutes before the start
        (timedelta(hours=-3, minutes=-1), 60),  # more than 2 hours after the end
    ],
)
def test_a_code_outside_its_window_is_refused(client, starts_in, minutes):
    session = make_session(starts_in=starts_in, minutes=minutes)
    person = make_learner()
    client.force_login(person)
    response = client.post(CODE, {"code": session.short_code})
    assert response.status_code == 400
    assert "That code is not right, or its session is not running now." in response.content.decode()
    assert not Booking.objects.filter(session=session).exists()


def test_a_code_thirty_minutes_before_the_start_opens_the_before_survey(client):
    session = make_session(starts_in=timedelta(minutes=29), minutes=60)
    client.force_login(make_learner())
    assert client.post(CODE, {"code": session.short_code})["Location"].endswith("/survey/before/")


def test_a_cancelled_sessions_code_is_refused(client):
    session = make_session(cancelled=True)
    client.force_login(make_learner())
    assert client.post(CODE, {"code": session.short_code}).status_code == 400


def test_wrong_codes_are_rate_limited(client, session):
    client.force_login(make_learner())
    for _ in range(10):
        assert client.post(CODE, {"code": "ZZZZZZ"}).status_code == 400
    response = client.post(CODE, {"code": session.short_code})
    assert response.status_code == 400
    assert "Too many wrong codes" in response.content.decode()
    assert not Booking.objects.filter(session=session).exists()


def test_someone_else_cannot_open_a_survey_of_a_session_she_is_not_on(client, session):
    client.force_login(make_learner())
    assert client.get(f"/sessions/{session.pk}/survey/before/").status_code == 404


def test_the_code_page_needs_a_sign_in(client):
    assert client.get(CODE)["Location"].startswith("/accounts/")


def test_attendees_ratings_count_in_the_confidence_report(client, session):
    """Five attendees rate 2 before and 4 after; the after survey comes once the trainer has
    closed the register (it is still open to them for two hours after the end)."""
    trainer = session.trainers.get()
    people = [make_learner("housing") for _ in range(5)]
    for person in people:
        book(session, person)
        client.force_login(person)
        location = client.post(CODE, {"code": session.short_code})["Location"]
        client.post(location, answers("before", 2))
    later = timezone.now() + timedelta(hours=2, minutes=30)  # after the end
    with time_machine.travel(later, tick=False):
        client.force_login(trainer)
        client.post(
            f"/sessions/{session.pk}/register/",
            {f"mark-{b.pk}": "attended" for b in Booking.objects.filter(session=session)},
        )
        client.post(f"/sessions/{session.pk}/register/close/")
        for person in people:
            client.force_login(person)
            location = client.post(CODE, {"code": session.short_code})["Location"]
            client.post(location, answers("after", 4, retro=1))
    today = timezone.localdate(session.ends_at)
    period = reports.Period(date(today.year, today.month, 1), today + timedelta(days=1))
    result = reports.confidence(Agency.objects.filter(code="housing"), period)
    overall = result["overall"]
    assert (overall.pairs, overall.median_before, overall.median_after) == (5, 2, 4)
    assert overall.improved == 100
