"""A learner moving to another agency: she asks, a lead of the new agency approves, and the
move applies to new records only. Each lead sees only the records made in her agencies."""

import pytest
from bs4 import BeautifulSoup

from cms.models import Agency
from courses import reports, services
from courses.models import AgencyChangeRequest, AgencyLead, Completion, Enrolment, LearnerProfile
from quizzes import services as quiz_services
from quizzes.models import Attempt
from quizzes.reports import first_attempts
from quizzes.scoring import model_answer
from tests.export_reading import read_export
from tests.factories import finish_lesson, lessons_of, make_course, make_learner, make_quiz

pytestmark = pytest.mark.django_db


def lead_for(code):
    user = make_learner(code, job_role="manager")
    AgencyLead.objects.create(user=user).agencies.add(Agency.objects.get(code=code))
    return user


def pass_course(learner, course, quiz):
    """Finish the course's one lesson and pass its quiz with every answer right."""
    enrolment = services.enrol(learner, course)
    finish_lesson(enrolment, lessons_of(course)[0])
    attempt = quiz_services.start_attempt(learner, quiz)
    quiz_services.submit_attempt(attempt, [model_answer(q) for q in attempt.questions])
    return Completion.objects.get(enrolment=enrolment)


def profile_post(agency_code, job_role="police"):
    return {
        "first_name": "Holly",
        "last_name": "Harris",
        "agency": Agency.objects.get(code=agency_code).pk,
        "job_role": job_role,
        "team": "",
    }


def staff_record(client, learner):
    response = client.get(f"/leads/reports/staff/{learner.pk}/")
    return response.status_code, BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)


@pytest.fixture
def moved(client, django_capture_on_commit_callbacks):
    """Holly completes a course with a quiz in housing (certificate issued), starts another
    there, asks to move to police, and a police lead approves."""
    holly = make_learner("housing", first_name="Holly", last_name="Harris")
    done = make_course(lessons=1, required=["lessons"], title="Housing-era course")
    quiz = make_quiz(done)
    started = make_course(lessons=2, required=["lessons"], title="Started in housing")
    with django_capture_on_commit_callbacks(execute=True):
        completion = pass_course(holly, done, quiz)
    open_enrolment = services.enrol(holly, started)
    finish_lesson(open_enrolment, lessons_of(started)[0])

    client.force_login(holly)
    response = client.post("/accounts/profile/", profile_post("police"), follow=True)
    assert response.status_code == 200
    police_lead, housing_lead = lead_for("police"), lead_for("housing")
    client.force_login(police_lead)
    change = AgencyChangeRequest.objects.get(learner=holly)
    client.post("/leads/agency-changes/", {"request": change.pk, "decision": "approve"})
    return {
        "holly": holly,
        "completion": completion,
        "certificate": completion.certificate,
        "open_enrolment": open_enrolment,
        "police_lead": police_lead,
        "housing_lead": housing_lead,
    }


def test_asking_to_move_leaves_the_agency_unchanged_until_a_lead_of_the_new_one_approves(client):
    holly = make_learner("housing", first_name="Holly", last_name="Harris")
    client.force_login(holly)

    page = client.post("/accounts/profile/", profile_post("police"), follow=True).content.decode()

    profile = LearnerProfile.objects.get(user=holly)
    assert profile.agency.code == "housing" and profile.job_role == "housing"
    change = AgencyChangeRequest.objects.get(learner=holly)
    assert (change.status, change.agency.code, change.from_agency.code, change.job_role) == (
        "pending",
        "police",
        "housing",
        "police",
    )
    assert "waiting for approval" in page
    # Saving her profile again (the form now shows police) keeps the one request waiting.
    client.post("/accounts/profile/", profile_post("police"))
    assert AgencyChangeRequest.objects.filter(learner=holly, status="pending").get() == change

    # A lead of her present agency cannot approve it: it is not hers to decide.
    client.force_login(lead_for("housing"))
    assert "Holly Harris" not in client.get("/leads/agency-changes/").content.decode()
    client.post("/leads/agency-changes/", {"request": change.pk, "decision": "approve"})
    assert LearnerProfile.objects.get(user=holly).agency.code == "housing"
    # Nor can a learner.
    client.force_login(make_learner("police"))
    assert client.get("/leads/agency-changes/").status_code == 403
    assert (
        client.post("/leads/agency-changes/", {"request": change.pk, "decision": "approve"}).status_code
        == 403
    )

    # A police lead sees it; nonsense changes nothing and says so.
    client.force_login(lead_for("police"))
    assert "Holly Harris" in client.get("/leads/agency-changes/").content.decode()
    for bad in [{"request": "x", "decision": "approve"}, {"request": change.pk, "decision": "maybe"}, {}]:
        response = client.post("/leads/agency-changes/", bad, follow=True)
        assert response.status_code == 200 and "nothing was changed" in response.content.decode()
    assert LearnerProfile.objects.get(user=holly).agency.code == "housing"

    client.post("/leads/agency-changes/", {"request": change.pk, "decision": "approve"})
    profile = LearnerProfile.objects.get(user=holly)
    assert (profile.agency.code, profile.job_role) == ("police", "police")
    change.refresh_from_db()
    assert change.status == "approved" and change.decided_at is not None


def test_a_declined_move_leaves_her_where_she_was(client):
    holly = make_learner("housing")
    client.force_login(holly)
    client.post("/accounts/profile/", profile_post("police"))
    police_lead = lead_for("police")
    client.force_login(police_lead)
    change = AgencyChangeRequest.objects.get(learner=holly)
    client.post("/leads/agency-changes/", {"request": change.pk, "decision": "decline"})
    assert LearnerProfile.objects.get(user=holly).agency.code == "housing"
    assert AgencyChangeRequest.objects.get(pk=change.pk).status == "declined"
    client.force_login(holly)
    assert "Police declined your move" in client.get("/accounts/profile/").content.decode()
    client.force_login(police_lead)
    # Decided once: a second click does not approve it afterwards.
    client.post("/leads/agency-changes/", {"request": change.pk, "decision": "approve"})
    assert LearnerProfile.objects.get(user=holly).agency.code == "housing"


def test_after_the_move_the_new_lead_sees_none_of_her_old_agencys_records(client, moved):
    holly, completion, certificate = moved["holly"], moved["completion"], moved["certificate"]
    assert LearnerProfile.objects.get(user=holly).agency.code == "police"
    client.force_login(moved["police_lead"])

    status, text = staff_record(client, holly)
    assert status == 200  # she is police staff now
    for leaked in ["Housing-era course", "Started in housing", "100%", certificate.display_code]:
        assert leaked not in text
    assert client.get(f"/leads/certificates/{certificate.pk}/pdf/").status_code == 404
    assert certificate.display_code not in client.get("/leads/certificates/").content.decode()
    training = read_export(
        client.get("/leads/reports/", {"period": "this_year", "export": "csv", "table": "staff"})
    )
    (rows,) = training["tables"].values()
    holly_row = next(row for row in rows if holly.email in row)
    assert "Housing-era course" not in " ".join(holly_row)
    # She is counted as having started her housing courses, and taken their quiz, in housing.
    this_year, _ = reports.period_from({"period": "this_year"})
    for code, people in [("police", 0), ("housing", 1)]:
        agencies = Agency.objects.filter(code=code)
        for course in [completion.course, moved["open_enrolment"].course]:
            assert reports.training_numbers(agencies, this_year, course)["enrolled"] == people
        assert first_attempts(agencies, this_year, completion.course).filter(learner=holly).count() == people


def test_after_the_move_the_old_lead_still_sees_them(client, moved):
    holly, certificate = moved["holly"], moved["certificate"]
    client.force_login(moved["housing_lead"])

    status, text = staff_record(client, holly)
    assert status == 200
    for kept in ["Housing-era course", "Started in housing", "1 of 2", "100%", certificate.display_code]:
        assert kept in text
    assert client.get(f"/leads/certificates/{certificate.pk}/pdf/").status_code == 200


def test_records_made_after_the_move_are_the_new_agencys(client, moved, django_capture_on_commit_callbacks):
    holly = moved["holly"]
    police = Agency.objects.get(code="police")
    new = make_course(lessons=1, required=["lessons"], title="Police-era course")
    quiz = make_quiz(new)
    with django_capture_on_commit_callbacks(execute=True):
        completion = pass_course(holly, new, quiz)
    assert completion.agency == police and completion.enrolment.agency == police
    # The course she started in housing stays housing's when she finishes it.
    open_enrolment = moved["open_enrolment"]
    finish_lesson(
        Enrolment.objects.get(pk=open_enrolment.pk), lessons_of(open_enrolment.course)[1]
    )
    assert Completion.objects.get(enrolment=open_enrolment).agency.code == "housing"

    client.force_login(moved["police_lead"])
    status, text = staff_record(client, holly)
    assert "Police-era course" in text and completion.certificate.display_code in text
    assert "Started in housing" not in text
    client.force_login(moved["housing_lead"])
    status, text = staff_record(client, holly)
    assert "Police-era course" not in text and "Started in housing" in text
    assert Attempt.objects.filter(enrolment__agency=police, learner=holly).count() == 1


def test_an_administrator_decides_from_the_admin_menu(client):
    from django.contrib.auth import get_user_model

    holly = make_learner("housing")
    client.force_login(holly)
    client.post("/accounts/profile/", profile_post("police"))
    admin = get_user_model().objects.create_superuser("admin-b@example.org", "admin-b@example.org", "x")
    client.force_login(admin)
    assert "/leads/agency-changes/" in client.get("/admin/").content.decode()
    change = AgencyChangeRequest.objects.get(learner=holly)
    client.post("/leads/agency-changes/", {"request": change.pk, "decision": "approve"})
    assert LearnerProfile.objects.get(user=holly).agency.code == "police"
