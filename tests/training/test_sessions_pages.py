"""The public list of sessions, a session's page and its buttons, and "Your sessions"."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from cms.models import Agency
from tests.factories import make_course, make_learner
from tests.training.test_booking_services import make_session, make_trainer
from training import booking as places
from training.booking import when
from training.models import Booking, TrainingSession

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
LIST = reverse("training:session_list")


def page(response):
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def detail(session):
    return reverse("training:session_detail", args=[session.pk])


def cards(soup):
    return [card.h2.get_text(" ", strip=True) for card in soup.select(".course-list .course-card")]


def test_when_is_said_in_full_in_uk_time():
    winter = TrainingSession(starts_at=datetime(2026, 12, 8, 9, 30, tzinfo=UTC), duration_minutes=180)
    summer = TrainingSession(starts_at=datetime(2026, 7, 7, 9, 0, tzinfo=UTC), duration_minutes=150)
    assert when(winter) == "Tuesday 8 December 2026, 9:30am to 12:30pm"
    assert when(summer) == "Tuesday 7 July 2026, 10am to 12:30pm"  # British Summer Time


def test_the_list_shows_upcoming_published_sessions_with_places_left(client):
    course = make_course(lessons=1, title="Session list course")
    shown = make_session(course, capacity=3)
    places.book(shown, make_learner())
    make_session(course, live=False)
    make_session(course, cancelled=True, cancellation_reason="Trainer ill")
    make_session(course, starts_in=-timedelta(hours=1))
    soup = page(client.get(LIST, {"course": course.pk}))
    assert len(cards(soup)) == 1
    card = soup.select_one(".course-card")
    assert card.a["href"] == detail(shown)
    assert "2 places left" in card.get_text()


def test_the_list_filters_by_mode_month_and_places_left(client):
    course = make_course(lessons=1)
    online = make_session(course, mode="online", starts_in=timedelta(days=40))
    full = make_session(course, capacity=1, starts_in=timedelta(days=3))
    places.book(full, make_learner())

    def shown(**filters):
        soup = page(client.get(LIST, {"course": course.pk, **filters}))
        return {a["href"] for a in soup.select(".course-card h2 a")}

    assert shown(mode="online") == {detail(online)}
    assert shown(mode="in_person") == {detail(full)}
    assert shown(places_left="on") == {detail(online)}
    month = timezone.localtime(online.starts_at)
    expected = {detail(online)} | (
        {detail(full)} if timezone.localtime(full.starts_at).month == month.month else set()
    )
    assert shown(month=f"{month.year}-{month.month:02d}") == expected


def test_a_filter_that_makes_no_sense_says_so_and_shows_nothing(client):
    soup = page(client.get(LIST, {"month": "1999-13", "course": "x"}))
    assert soup.select_one(".error-summary") is not None
    assert cards(soup) == []


def test_the_list_asks_the_same_number_of_queries_for_one_session_and_many(
    client, django_assert_max_num_queries
):
    course = make_course(lessons=1)
    make_session(course)
    client.get(LIST)  # the site's settings are cached from the first page on
    with django_assert_max_num_queries(20) as one:
        assert len(cards(page(client.get(LIST, {"course": course.pk})))) == 1
    for _ in range(5):
        places.book(make_session(course), make_learner())
    with django_assert_max_num_queries(20) as many:
        assert len(cards(page(client.get(LIST, {"course": course.pk})))) == 6
    assert len(many.captured_queries) == len(one.captured_queries)


@time_machine.travel(datetime(2026, 11, 20, 12, tzinfo=UTC), tick=False)
def test_the_session_page_says_when_where_who_and_how_many_places(client):
    trainer = make_trainer(first_name="Tess", last_name="Trainer")
    session = make_session(
        starts_in=timedelta(0),
        capacity=4,
        accessibility="Step-free access; hearing loop.",
    )
    TrainingSession.objects.filter(pk=session.pk).update(
        starts_at=datetime(2026, 12, 8, 9, 30, tzinfo=LONDON),
        cancellation_deadline=datetime(2026, 12, 6, 17, 0, tzinfo=LONDON),
    )
    session.refresh_from_db()
    session.trainers.add(trainer)
    session.agencies.add(Agency.objects.get(code="housing"))
    session.save()  # a session's many-to-many fields are saved with it (modelcluster)
    text = page(client.get(detail(session))).get_text(" ", strip=True)
    assert "Tuesday 8 December 2026, 9:30am to 12:30pm" in text
    assert "Civic Centre, Room 2" in text and "Step-free access; hearing loop." in text
    assert "Tess Trainer" in text
    assert f"Staff of {Agency.objects.get(code='housing').name}" in text
    assert "Cancel by 6 December 2026 at 5pm" in text
    assert "4 in all; 4 left" in text


def test_the_joining_link_is_shown_only_to_a_person_with_a_place(client):
    session = make_session(mode="online", capacity=1)
    link = session.joining_link
    booked, waiting = make_learner(), make_learner()
    places.book(session, booked)
    places.book(session, waiting)
    assert link not in client.get(detail(session)).content.decode()
    assert "the joining link is sent to people with a place" in client.get(detail(session)).content.decode()
    client.force_login(waiting)
    assert link not in client.get(detail(session)).content.decode()
    client.force_login(booked)
    assert link in client.get(detail(session)).content.decode()


def test_a_session_not_published_is_not_found_and_a_cancelled_one_says_why(client):
    assert client.get(detail(make_session(live=False))).status_code == 404
    cancelled = make_session(cancelled=True, cancellation_reason="The trainer is ill")
    text = page(client.get(detail(cancelled))).get_text(" ", strip=True)
    assert "This session has been cancelled: The trainer is ill" in text
    assert "Book a place" not in text


def buttons(soup):
    return [b.get_text(strip=True) for b in soup.select("main form button, main a.button")]


def test_the_buttons_follow_the_persons_booking(client):
    session = make_session(capacity=1)
    soup = page(client.get(detail(session)))
    assert buttons(soup) == ["Sign in to book"]
    assert soup.select_one("a.button")["href"] == f"{reverse('courses:login')}?next={detail(session)}"

    first, second = make_learner(), make_learner()
    client.force_login(first)
    assert buttons(page(client.get(detail(session)))) == ["Book a place"]
    client.post(reverse("training:book", args=[session.pk]))
    soup = page(client.get(detail(session)))
    assert "You have a place" in soup.get_text() and buttons(soup) == ["Cancel my place"]

    client.force_login(second)
    assert buttons(page(client.get(detail(session)))) == ["Join the waiting list"]
    client.post(reverse("training:book", args=[session.pk]))
    soup = page(client.get(detail(session)))
    assert "You are on the waiting list" in soup.get_text() and buttons(soup) == ["Leave the waiting list"]

    places.cancel(Booking.objects.get(session=session, person=first))
    soup = page(client.get(detail(session)))
    assert "Offered a place until" in soup.get_text()
    assert buttons(soup) == ["Accept the place", "Decline the place"]


def test_someone_not_eligible_is_told_why_and_has_no_button(client):
    session = make_session()
    session.agencies.add(Agency.objects.get(code="police"))
    session.save()
    client.force_login(make_learner(agency_code="housing"))
    soup = page(client.get(detail(session)))
    assert "This session is for staff of other agencies." in soup.get_text()
    assert buttons(soup) == []


def test_a_clash_is_named(client):
    course = make_course(lessons=1)
    first = make_session(course)
    overlapping = make_session(course, starts_in=timedelta(days=10, hours=1))
    learner = make_learner()
    places.book(first, learner)
    client.force_login(learner)
    text = page(client.get(detail(overlapping))).get_text(" ", strip=True)
    assert f"You already have a place on a session at that time: {when(first)}." in text


def test_booking_is_post_only_and_needs_an_account(client):
    session = make_session()
    book = reverse("training:book", args=[session.pk])
    assert client.get(book).status_code == 405
    response = client.post(book)
    assert response.status_code == 302 and response["Location"].startswith(reverse("courses:login"))
    assert not Booking.objects.filter(session=session).exists()


def test_booking_a_session_not_published_is_not_found(client):
    client.force_login(make_learner())
    session = make_session(live=False)
    assert client.post(reverse("training:book", args=[session.pk])).status_code == 404
    assert not Booking.objects.filter(session=session).exists()


@pytest.mark.parametrize("action", ["cancel_booking", "accept_offer", "decline_offer"])
def test_another_persons_booking_is_not_found_and_left_alone(client, action):
    session = make_session()
    held = places.book(session, make_learner())
    client.force_login(make_learner())
    assert client.post(reverse(f"training:{action}", args=[held.pk])).status_code == 404
    assert Booking.objects.get(pk=held.pk).status == Booking.Status.BOOKED


def test_declining_when_nothing_was_offered_changes_nothing(client):
    session = make_session()
    learner = make_learner()
    held = places.book(session, learner)
    client.force_login(learner)
    response = client.post(reverse("training:decline_offer", args=[held.pk]), follow=True)
    assert "You have no offer of a place on this session to decline." in response.content.decode()
    assert Booking.objects.get(pk=held.pk).status == Booking.Status.BOOKED


def test_declining_an_offer_offers_the_place_to_the_next_person(client):
    session = make_session(capacity=1)
    first, second, third = make_learner(), make_learner(), make_learner()
    held = places.book(session, first)
    places.book(session, second)
    places.book(session, third)
    places.cancel(held)
    offer = Booking.objects.get(session=session, person=second)
    client.force_login(second)
    client.post(reverse("training:decline_offer", args=[offer.pk]))
    assert Booking.objects.get(pk=offer.pk).status == Booking.Status.CANCELLED
    assert Booking.objects.get(session=session, person=third).status == Booking.Status.OFFERED


def test_accepting_an_offer_gives_a_place(client):
    session = make_session(capacity=1)
    first, second = make_learner(), make_learner()
    places.book(session, second)  # booked; the first waits
    waiting = places.book(session, first)
    places.cancel(Booking.objects.get(session=session, person=second))
    client.force_login(first)
    client.post(reverse("training:accept_offer", args=[waiting.pk]))
    assert Booking.objects.get(pk=waiting.pk).status == Booking.Status.BOOKED


def test_your_sessions_lists_only_your_own_bookings(client, django_assert_max_num_queries):
    course = make_course(lessons=1, title="My sessions course")
    learner, other = make_learner(), make_learner()
    mine = make_session(course)
    places.book(mine, learner)
    places.book(make_session(course, starts_in=timedelta(days=20)), other)
    client.force_login(learner)
    client.get(LIST)  # the site's settings are cached from the first page on
    with django_assert_max_num_queries(15) as one:
        soup = page(client.get(reverse("training:my_sessions")))
    titles = [a["href"] for a in soup.select(".course-card h3 a")]
    assert titles == [detail(mine)]
    for days in range(30, 35):
        places.book(make_session(course, starts_in=timedelta(days=days)), learner)
    with django_assert_max_num_queries(15) as many:
        soup = page(client.get(reverse("training:my_sessions")))
    assert len(soup.select(".course-card h3 a")) == 6
    assert len(many.captured_queries) == len(one.captured_queries)
    calendars = [a["href"] for a in soup.select(".course-card a[download]")]
    assert calendars[0] == reverse("training:session_calendar", args=[mine.pk]) and len(calendars) == 6


def test_your_sessions_says_a_place_given_up_is_yours_not_the_sessions(client):
    learner = make_learner()
    session = make_session(make_course(lessons=1))
    places.cancel(places.book(session, learner))
    client.force_login(learner)
    card = page(client.get(reverse("training:my_sessions"))).select_one(".course-card")
    assert card.select_one(".course-card__label").get_text(strip=True) == "You gave up this place"
    assert "cancelled" not in card.get_text(" ", strip=True).lower()
    assert not card.select("a[download]")  # no invitation for a place given up


def test_your_sessions_needs_an_account(client):
    response = client.get(reverse("training:my_sessions"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("courses:login"))


def test_the_session_page_asks_the_same_number_of_queries_for_few_trainers_and_many(
    client, django_assert_max_num_queries
):
    session = make_session()
    learner = make_learner()
    places.book(session, learner)
    client.force_login(learner)
    session.trainers.add(make_trainer())
    session.save()
    page(client.get(detail(session)))  # the site's settings are cached from the first page on
    with django_assert_max_num_queries(30) as one:
        page(client.get(detail(session)))
    session.trainers.add(*(make_trainer() for _ in range(4)))
    session.agencies.add(*Agency.objects.all()[:4])
    session.save()
    for _ in range(5):
        places.book(session, make_learner())
    with django_assert_max_num_queries(30) as many:
        page(client.get(detail(session)))
    assert len(many.captured_queries) == len(one.captured_queries)
