"""Raw rows for the numbers-trained tests: completions at an exact London time in a given
delivery mode, agency and job role, and single-agency returns, written without the code under
test (a completion's person is then recounted in the tallies, as recording a completion does)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from cms.models import Agency
from courses import pairs
from courses.models import Completion, Enrolment
from training.models import ReturnAttendee, ReturnHeadcount, SingleAgencyReturn

LONDON = ZoneInfo("Europe/London")
Q1_2025 = (date(2025, 1, 1), date(2025, 3, 31))  # before any demo training (which goes back ~350 days)


def london(*parts) -> datetime:
    return datetime(*parts, tzinfo=LONDON)


def completion(learner, course, agency_code, when, mode="e_learning", job_role="housing") -> Completion:
    agency = Agency.objects.get(code=agency_code)
    cycle = Enrolment.objects.filter(learner=learner, course=course).count() + 1
    enrolment = Enrolment.objects.create(
        learner=learner, course=course, agency=agency, cycle=cycle, completed_at=when, delivery_mode=mode
    )
    made = Completion.objects.create(
        enrolment=enrolment,
        learner=learner,
        course=course,
        agency=agency,
        agency_name=agency.name,
        job_role=job_role,
        job_role_label=job_role,
        course_title=course.title,
        delivery_mode=mode,
        completed_at=when,
        expires_on=date(2030, 1, 1),
    )
    pairs.recount([learner.pk])
    return made


def training_return(agency_code, delivered_on, course=None, topic="", attendees=(), headcounts=()):
    """A return with `attendees` ((name, email, job_role) or (name, email)) or `headcounts`
    ((job_role, number))."""
    made = SingleAgencyReturn.objects.create(
        agency=Agency.objects.get(code=agency_code),
        course=course,
        topic=topic,
        delivered_on=delivered_on,
        delivery_format="in_person",
        trainer="A. Trainer",
    )
    for name, email, *role in attendees:
        ReturnAttendee.objects.create(
            training_return=made, name=name, email=email, job_role=role[0] if role else "housing"
        )
    for job_role, number in headcounts:
        ReturnHeadcount.objects.create(training_return=made, job_role=job_role, number=number)
    return made
