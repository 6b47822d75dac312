"""A learner with something in every part of the access export: what the export, the
anonymisation and the retention tests work on."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.utils import timezone
from wagtail.models import APIToken

from cms.models import Agency
from courses import services
from courses.models import AgencyChangeRequest, LearnerProfile
from privacy import audit
from quizzes import services as quiz_services
from quizzes.scoring import model_answer
from tests.factories import make_course, make_learner, make_quiz, open_the_quiz, survey_ratings
from training import attendance, booking
from training.models import FollowUp, ReturnAttendee, SingleAgencyReturn, TrainingSession
from workforce.models import Reminder, StaffListEntry

EMAIL = "hana.hughes@example.org"
TOTP_SECRET = "JBSWY3DPEHPK3PXPHANASECRET"


@pytest.fixture
def full_record(django_capture_on_commit_callbacks):
    """Hana Hughes of Housing: a completed course with a quiz, surveys and a certificate, a
    session she attended, a follow-up survey she answered, a single-agency training list
    naming her, a change of agency asked for, a reminder, a staff-list entry, an API token,
    a work account, two-step sign-in and a lead's view of her record. Returns (hana, course,
    api token key)."""

    def build(email=EMAIL, job_role="housing", course_title="Spotting the signs", name=("Hana", "Hughes")):
        hana = make_learner("housing", email=email, first_name=name[0], last_name=name[1])
        LearnerProfile.objects.filter(user=hana).update(
            team="Tenancy team North",
            job_role=job_role,
            job_role_other="Tenancy sustainment officer" if job_role == "other" else "",
        )
        housing, health = Agency.objects.get(code="housing"), Agency.objects.get(code="health")
        AgencyChangeRequest.objects.create(
            learner=hana,
            from_agency=housing,
            agency=health,
            job_role="other",
            job_role_other="Tenancy sustainment officer",
            status=AgencyChangeRequest.Status.DECLINED,
        )
        course = make_course(lessons=1, title=course_title)
        quiz = make_quiz(course)
        with django_capture_on_commit_callbacks(execute=True):
            enrolment = services.enrol(hana, course)
            open_the_quiz(enrolment)
            attempt = quiz_services.start_attempt(hana, quiz)
            quiz_services.submit_attempt(attempt, [model_answer(q) for q in attempt.questions])
            services.submit_survey(enrolment, "after", survey_ratings("after", rating=5))
        session = TrainingSession.objects.create(
            course=course,
            starts_at=timezone.now() + timedelta(days=2),
            duration_minutes=120,
            capacity=10,
            venue="County Hall",
            address="Martineau Lane",
            live=True,
        )
        place = booking.book(session, hana)
        type(place).objects.filter(pk=place.pk).update(attendance="attended")
        with django_capture_on_commit_callbacks(execute=True):
            session_completion = attendance.complete(place)
        FollowUp.objects.create(
            completion=session_completion,
            sent_at=timezone.now(),
            answered_at=timezone.now(),
            used="once",
            confidence_now=4,
            changes=["lead"],
            note="Spoke to my lead about a worry sooner",
        )
        own = SingleAgencyReturn.objects.create(
            agency=housing,
            topic="Harmful sexual behaviour briefing",
            delivered_on=timezone.localdate(),
            delivery_format="briefing",
            trainer="Housing safeguarding team",
        )
        ReturnAttendee.objects.create(
            training_return=own, name=" ".join(name), email=email, job_role=job_role
        )
        StaffListEntry.objects.create(
            agency=housing, email=email, name=" ".join(name), job_role=job_role, team="North"
        )
        lead = get_user_model().objects.get(username="lead.housing@example.org")
        Reminder.objects.create(
            agency=housing, email=email, user=hana, kind="reminder", state="overdue", sent_by=lead
        )
        _, key = APIToken.create_token(user=hana, name="Hana's dashboard")
        assert EmailAddress.objects.filter(user=hana, email=email, verified=True).exists()  # make_learner's
        SocialAccount.objects.create(
            user=hana, provider="entra", uid=f"oid-{email}", extra_data={"name": "Hana"}
        )
        Authenticator.objects.create(user=hana, type=Authenticator.Type.TOTP, data={"secret": TOTP_SECRET})
        audit.log(lead, [hana], audit.VIEWED, "Staff record")
        return hana, course, key

    return build
