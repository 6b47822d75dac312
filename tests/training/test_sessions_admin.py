"""Editors publish sessions through the two-person approval, and the session form keeps the
rules that protect the people booked."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from courses.models import CoursePage
from tests.factories import make_learner
from tests.training.test_booking_services import make_session, make_trainer
from tests.workflow_helpers import approve, make_approver, make_editor
from training import booking as places
from training.models import TrainingSession

pytestmark = pytest.mark.django_db

FORMAT = "%Y-%m-%d %H:%M"


def form_class():
    return TrainingSession.snippet_viewset.get_edit_handler().get_form_class()


def local(moment):
    return timezone.localtime(moment).strftime(FORMAT)


def data(course, starts_in=timedelta(days=14), **changes):
    starts = timezone.now() + starts_in
    fields = {
        "course": course.pk,
        "starts_at": local(starts),
        "duration_minutes": 180,
        "mode": "in_person",
        "venue": "Civic Centre",
        "address": "1 High Street",
        "accessibility": "",
        "joining_link": "",
        "capacity": 20,
        "booking_opens_at": "",
        "booking_closes_at": "",
        "cancellation_deadline": "",
        "cancellation_reason": "",
    }
    fields.update(changes)
    return {key: value for key, value in fields.items() if value is not None}


def errors(form_data, instance=None):
    form = form_class()(form_data, instance=instance)
    form.is_valid()
    return {field: [str(e) for e in errs] for field, errs in form.errors.items()}


@pytest.fixture
def course():
    return CoursePage.objects.live().order_by("path").first()


def test_a_valid_session_passes(course):
    assert errors(data(course)) == {}


def test_a_new_session_in_the_past_is_refused(course):
    assert errors(data(course, starts_in=-timedelta(hours=1))) == {
        "starts_at": ["Enter a start in the future"]
    }


def test_an_edit_may_not_move_a_session_into_the_past_but_may_leave_a_past_one_alone(course):
    session = make_session(course, starts_in=-timedelta(days=2))
    same = data(course, starts_at=local(session.starts_at), venue="Room 3")
    assert errors(same, instance=session) == {}
    upcoming = make_session(course)
    moved = data(course, starts_in=-timedelta(days=1))
    assert errors(moved, instance=upcoming) == {"starts_at": ["Enter a start in the future"]}


def test_face_to_face_needs_venue_and_address(course):
    assert errors(data(course, venue="", address=" ")) == {
        "venue": ["Enter the venue of a face-to-face session"],
        "address": ["Enter the address of a face-to-face session"],
    }


def test_online_needs_a_secure_joining_link(course):
    online = {"mode": "online", "venue": "", "address": ""}
    assert errors(data(course, **online)) == {"joining_link": ["Enter the joining link of an online session"]}
    assert errors(data(course, joining_link="http://meet.example.org/x", **online)) == {
        "joining_link": ["Enter a joining link that starts with https://"]
    }
    assert errors(data(course, joining_link="https://meet.example.org/x", **online)) == {}


def test_the_booking_window_must_make_sense(course):
    start = timezone.now() + timedelta(days=14)
    assert errors(
        data(
            course,
            booking_opens_at=local(start - timedelta(days=2)),
            booking_closes_at=local(start - timedelta(days=3)),
            cancellation_deadline=local(start + timedelta(hours=1)),
        )
    ) == {
        "booking_opens_at": ["Booking must open before it closes"],
        "cancellation_deadline": ["The cancel-by time must be no later than the start"],
    }
    assert errors(data(course, booking_closes_at=local(start + timedelta(days=1)))) == {
        "booking_closes_at": ["Booking must close no later than the start of the session"]
    }
    assert errors(data(course, booking_opens_at=local(start + timedelta(days=1)))) == {
        "booking_opens_at": ["Booking must open before the session starts"]
    }


def test_places_cannot_fall_below_the_people_who_have_one(course):
    session = make_session(course, capacity=15)
    for _ in range(12):
        places.book(session, make_learner())
    same_time = {"starts_at": local(session.starts_at)}
    assert errors(data(course, capacity=10, **same_time), instance=session) == {
        "capacity": ["12 people have places: you cannot make it 10"]
    }
    assert errors(data(course, capacity=12, **same_time), instance=session) == {}


def test_cancelling_needs_a_reason(course):
    assert errors(data(course, cancelled="on")) == {
        "cancellation_reason": ["Enter the reason for cancelling: the people booked are told it"]
    }
    assert errors(data(course, cancelled="on", cancellation_reason="The trainer is ill")) == {}


def test_trainers_are_chosen_only_from_the_trainers_group(course):
    trainer, other = make_trainer(), make_learner()
    choices = set(form_class()().fields["trainers"].queryset)
    assert trainer in choices
    assert other not in choices
    assert errors(data(course, trainers=[other.pk])).keys() == {"trainers"}


def test_job_roles_are_ticked_from_the_job_roles_and_saved_as_a_list(course):
    form = form_class()(data(course, job_roles=["housing", "police"]))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["job_roles"] == ["housing", "police"]
    assert errors(data(course, job_roles=["astronaut"])).keys() == {"job_roles"}


def test_an_editor_adds_a_session_and_it_is_live_only_once_an_approver_approves(client, course):
    editor = make_editor()
    client.force_login(editor)
    url = reverse(TrainingSession.snippet_viewset.get_url_name("add"))
    response = client.post(url, {**data(course, capacity=8), "action-submit": "submit"})
    assert response.status_code == 302, response.content[:500]
    session = TrainingSession.objects.get(course=course, capacity=8)
    assert session.live is False
    assert client.get(reverse("training:session_detail", args=[session.pk])).status_code == 404

    approve(session, make_approver())

    session.refresh_from_db()
    assert session.live is True
    assert client.get(reverse("training:session_detail", args=[session.pk])).status_code == 200


def test_an_editor_may_not_publish_a_session_herself(client, course):
    client.force_login(make_editor())
    url = reverse(TrainingSession.snippet_viewset.get_url_name("add"))
    client.post(url, {**data(course, capacity=9), "action-publish": "publish"})
    assert not TrainingSession.objects.filter(course=course, capacity=9, live=True).exists()


def test_the_listing_shows_places_taken_in_a_flat_number_of_queries(
    client, course, django_assert_max_num_queries
):
    admin = make_editor()
    admin.groups.add(Group.objects.get(name="Content approvers"))
    client.force_login(admin)
    url = reverse(TrainingSession.snippet_viewset.get_url_name("list"))
    session = make_session(course, capacity=5)
    places.book(session, make_learner())
    with django_assert_max_num_queries(40) as one:
        response = client.get(url, {"when": "upcoming"})
    assert "1 of 5" in response.content.decode()
    for _ in range(6):
        places.book(make_session(course), make_learner())
    with django_assert_max_num_queries(40) as many:
        response = client.get(url, {"when": "upcoming"})
    assert len(many.captured_queries) == len(one.captured_queries)
    assert response.content.decode().count("1 of 20") == 6
