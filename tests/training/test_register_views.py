"""The trainer's register: who reaches it, marking, walk-ins, closing, and what closing makes."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import ModelLogEntry

from certificates.models import Certificate
from courses.models import Completion, DeliveryMode
from identity.two_step import needs_two_step
from tests.factories import make_course, make_learner
from training.models import TRAINERS, Booking, TrainingSession

pytestmark = pytest.mark.django_db


def make_trainer(email=None):
    user = make_learner("health", email=email, first_name="Tess", last_name="Trainer")
    user.groups.add(Group.objects.get(name=TRAINERS))
    return user


def make_session(trainers=(), starts_in=timedelta(hours=-1), minutes=180, course=None, **fields):
    """A published session; by default it started an hour ago and runs for three hours."""
    session = TrainingSession.objects.create(
        course=course or make_course(lessons=1),
        starts_at=timezone.now() + starts_in,
        duration_minutes=minutes,
        capacity=20,
        live=True,
        **fields,
    )
    session.trainers.add(*trainers)
    session.save()  # a ParentalManyToManyField writes its rows on save
    return session


def book(session, person, **fields):
    profile = person.learner_profile
    return Booking.objects.create(
        session=session, person=person, agency_id=profile.agency_id, job_role=profile.job_role, **fields
    )


def queries(client, address):
    """How many queries a page takes (its count for one row, to hold it to for many)."""
    with CaptureQueriesContext(connection) as context:
        assert client.get(address).status_code == 200
    return len(context)


def url(session, part=""):
    return f"/sessions/{session.pk}/register/{part}"


@pytest.fixture
def trainer():
    return make_trainer()


@pytest.fixture
def session(trainer):
    return make_session([trainer])


def test_trainers_must_sign_in_in_two_steps(trainer):
    assert needs_two_step(trainer)
    assert not needs_two_step(make_learner())


def test_the_running_list_shows_her_sessions_only(client, trainer, session):
    other = make_session([make_trainer()])
    past = make_session([trainer], starts_in=timedelta(days=-30))
    client.force_login(trainer)
    page = client.get("/sessions/running/")
    assert page.status_code == 200, page.content[:3000]
    links = {
        a["href"] for a in BeautifulSoup(page.content, "html.parser").select("main a[href$='/register/']")
    }
    assert links == {url(session)}
    assert url(other) not in links and url(past) not in links


def test_people_who_are_not_trainers_are_refused(client, session):
    learner = make_learner()
    book(session, learner)
    client.force_login(learner)
    assert client.get("/sessions/running/").status_code == 403
    assert client.get(url(session)).status_code == 404


def test_a_trainer_who_does_not_run_the_session_is_refused_and_nothing_is_written(client, session):
    booking = book(session, make_learner())
    client.force_login(make_trainer())
    assert client.get(url(session)).status_code == 404
    response = client.post(url(session), {f"mark-{booking.pk}": "attended"})
    assert response.status_code == 404
    assert client.post(url(session, "close/")).status_code == 404
    assert client.post(url(session, "walk-in/"), {"email": "x@example.org"}).status_code == 404
    booking.refresh_from_db()
    session.refresh_from_db()
    assert booking.attendance == "" and session.register_closed_at is None


def test_a_named_trainer_no_longer_in_the_trainers_group_is_refused(client, trainer, session):
    trainer.groups.clear()
    client.force_login(trainer)
    assert client.get(url(session)).status_code == 404


def test_an_administrator_may_take_any_register(client, session):
    admin = make_learner()
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    assert client.get(url(session)).status_code == 200


def test_the_register_lists_people_with_a_place_and_walk_ins_and_logs_the_view(client, trainer, session):
    booked = book(session, make_learner("housing", first_name="Ann", last_name="Able"))
    walk_in = book(session, make_learner("police", first_name="Bob", last_name="Baker"), walk_in=True)
    book(session, make_learner(first_name="Cat", last_name="Waiting"), status=Booking.Status.WAITING)
    book(session, make_learner(first_name="Dan", last_name="Gone"), status=Booking.Status.CANCELLED)
    client.force_login(trainer)
    page = BeautifulSoup(client.get(url(session)).content, "html.parser")
    legends = [legend.get_text(" ", strip=True) for legend in page.select("fieldset.register-person legend")]
    assert legends[0].startswith("Ann Able") and "Housing" in legends[0]
    assert legends[1].startswith("Bob Baker (walk-in)")
    assert len(legends) == 2
    assert len(page.select(f"input[name=mark-{booked.pk}][type=radio]")) == 4
    assert session.short_code in page.select_one("#short-code").get_text()
    logged = set(ModelLogEntry.objects.filter(user=trainer).values_list("object_id", flat=True))
    assert logged == {str(booked.person_id), str(walk_in.person_id)}


def test_the_register_page_takes_the_same_queries_for_many_people(
    client, trainer, session, django_assert_num_queries
):
    client.force_login(trainer)
    book(session, make_learner())
    one = queries(client, url(session))
    for agency in ("health", "police", "education", "housing", "probation"):
        book(session, make_learner(agency), walk_in=agency == "police")
    with django_assert_num_queries(one):
        client.get(url(session))


def test_saving_marks_some_people_and_leaves_the_others(client, trainer, session):
    first, second, third = (book(session, make_learner()) for _ in range(3))
    client.force_login(trainer)
    response = client.post(url(session), {f"mark-{first.pk}": "late", f"mark-{second.pk}": "no_show"})
    assert response.status_code == 302
    marks = dict(Booking.objects.filter(session=session).values_list("pk", "attendance"))
    assert marks == {first.pk: "late", second.pk: "no_show", third.pk: ""}
    first.refresh_from_db()
    assert first.marked_by == trainer
    client.post(url(session), {f"mark-{first.pk}": "attended"})
    first.refresh_from_db()
    assert first.attendance == "attended"


@pytest.mark.parametrize(
    "data, message",
    [
        ({"mark-{pk}": "present"}, "Choose attended, arrived late, left early or did not attend."),
        ({"mark-999999": "attended", "mark-{pk}": "attended"}, "no longer booked"),
        ({"mark-abc": "attended"}, "no longer booked"),
        ({}, "Mark at least one person"),
    ],
)
def test_bad_marks_are_refused_whole(client, trainer, session, data, message):
    booking = book(session, make_learner())
    client.force_login(trainer)
    response = client.post(url(session), {key.format(pk=booking.pk): value for key, value in data.items()})
    assert response.status_code == 400
    assert message in response.content.decode()
    booking.refresh_from_db()
    assert booking.attendance == ""


def test_marking_before_the_session_starts_is_refused(client, trainer):
    session = make_session([trainer], starts_in=timedelta(hours=2))
    booking = book(session, make_learner())
    client.force_login(trainer)
    page = client.get(url(session))
    assert "You can mark attendance once the session starts" in page.content.decode()
    response = client.post(url(session), {f"mark-{booking.pk}": "attended"})
    assert response.status_code == 400
    assert "The register opens when the session starts." in response.content.decode()
    booking.refresh_from_db()
    assert booking.attendance == ""
    client.post(url(session, "close/"))
    session.refresh_from_db()
    assert session.register_closed_at is None


def test_closing_makes_completions_and_certificates_for_attended_and_late_only(
    client, trainer, session, django_capture_on_commit_callbacks
):
    attended, late, left, absent = (book(session, make_learner()) for _ in range(4))
    client.force_login(trainer)
    marks = {attended: "attended", late: "late", left: "left_early", absent: "no_show"}
    client.post(url(session), {f"mark-{b.pk}": value for b, value in marks.items()})
    confirm = client.get(url(session, "close/")).content.decode()
    assert "left early" in confirm and "certificate" in confirm
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(session, "close/"), follow=True)
    assert "Register closed: 2 people have a completion and a certificate." in response.content.decode()
    completions = Completion.objects.filter(course=session.course)
    assert set(completions.values_list("learner_id", flat=True)) == {attended.person_id, late.person_id}
    assert set(completions.values_list("delivery_mode", flat=True)) == {DeliveryMode.SESSION}
    assert Certificate.objects.filter(completion__in=completions).count() == 2
    for completion in completions.select_related("enrolment"):  # made after the start, dated from it
        assert completion.enrolment.started_at == session.starts_at
        assert completion.completed_at == session.starts_at + timedelta(minutes=180)


def test_the_register_cannot_close_with_people_unmarked_or_twice(client, trainer, session):
    marked, unmarked = book(session, make_learner()), book(session, make_learner())
    client.force_login(trainer)
    client.post(url(session), {f"mark-{marked.pk}": "attended"})
    response = client.post(url(session, "close/"), follow=True)
    assert "Mark everyone first: 1 not marked yet." in response.content.decode()
    session.refresh_from_db()
    assert session.register_closed_at is None
    client.post(url(session), {f"mark-{unmarked.pk}": "no_show"})
    client.post(url(session, "close/"))
    response = client.post(url(session, "close/"), follow=True)
    assert "This register is already closed." in response.content.decode()
    assert Completion.objects.filter(course=session.course).count() == 1


def test_a_closed_register_is_read_only_with_totals(client, trainer, session):
    people = [book(session, make_learner()) for _ in range(3)]
    client.force_login(trainer)
    client.post(
        url(session),
        {
            f"mark-{people[0].pk}": "attended",
            f"mark-{people[1].pk}": "attended",
            f"mark-{people[2].pk}": "left_early",
        },
    )
    client.post(url(session, "close/"))
    page = BeautifulSoup(client.get(url(session)).content, "html.parser")
    assert not page.select("input[type=radio]")
    totals = {row.th.get_text(): row.td.get_text() for row in page.select("main table")[0].select("tr")}
    assert totals == {"Attended": "2", "Arrived late": "0", "Left early": "1", "Did not attend": "0"}
    response = client.post(url(session), {f"mark-{people[2].pk}": "attended"})
    assert response.status_code == 400
    people[2].refresh_from_db()
    assert people[2].attendance == "left_early"


def test_a_walk_in_is_added_by_email_ignoring_case(client, trainer, session):
    person = make_learner("police", email="walk.in@example.org", first_name="Wanda", last_name="Walker")
    client.force_login(trainer)
    response = client.post(url(session, "walk-in/"), {"email": " Walk.In@EXAMPLE.org "}, follow=True)
    assert "Wanda Walker is on the register" in response.content.decode()
    booking = Booking.objects.get(session=session, person=person)
    assert (booking.status, booking.walk_in, booking.attendance) == ("booked", True, "")
    assert booking.agency.code == "police"
    response = client.post(url(session, "walk-in/"), {"email": "walk.in@example.org"}, follow=True)
    assert "Wanda Walker is already on the register." in response.content.decode()
    assert Booking.objects.filter(session=session).count() == 1


def test_someone_on_the_waiting_list_who_came_becomes_a_walk_in(client, trainer, session):
    person = make_learner(email="queued@example.org")
    waiting = book(session, person, status=Booking.Status.WAITING)
    client.force_login(trainer)
    client.post(url(session, "walk-in/"), {"email": "queued@example.org"})
    waiting.refresh_from_db()
    assert (waiting.status, waiting.walk_in) == ("booked", True)


@pytest.mark.parametrize("email", ["nobody@example.org", "", "not an email"])
def test_an_unknown_email_is_explained_and_nothing_is_added(client, trainer, session, email):
    client.force_login(trainer)
    response = client.post(url(session, "walk-in/"), {"email": email}, follow=True)
    assert (
        "There is no account with that email: ask them to register, then add them."
        in response.content.decode()
    )
    assert not Booking.objects.filter(session=session).exists()


def test_walk_ins_are_refused_once_the_register_is_closed(client, trainer, session):
    make_learner(email="late.comer@example.org")
    session.register_closed_at = timezone.now()
    session.save()
    client.force_login(trainer)
    response = client.post(url(session, "walk-in/"), {"email": "late.comer@example.org"}, follow=True)
    assert "This register is closed: no one can be added." in response.content.decode()
    assert not Booking.objects.filter(session=session).exists()


def test_changes_are_post_only(client, trainer, session):
    client.force_login(trainer)
    assert client.get(url(session, "walk-in/")).status_code == 405
