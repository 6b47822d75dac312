"""Raw rows for the workforce tests: completions made at a given London time, without going
through a course, so quarter and British Summer Time boundaries can be set exactly."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q

from cms.models import Agency
from courses.models import Completion, CoursePage, Enrolment, LearnerProfile
from workforce.models import StaffListEntry

LONDON = ZoneInfo("Europe/London")


def london(*parts) -> datetime:
    return datetime(*parts, tzinfo=LONDON)


def required(agency: Agency) -> list[CoursePage]:
    """What the definition says an agency's staff must hold: every live multi-agency course
    and every live course of the agency."""
    return list(CoursePage.objects.live().filter(Q(agency__isnull=True) | Q(agency=agency)))


def complete(learner, course, agency, when: datetime, expires_on: date = date(2030, 1, 1)) -> Completion:
    cycle = Enrolment.objects.filter(learner=learner, course=course).count() + 1
    enrolment = Enrolment.objects.create(
        learner=learner, course=course, agency=agency, cycle=cycle, completed_at=when
    )
    return Completion.objects.create(
        enrolment=enrolment,
        learner=learner,
        course=course,
        agency=agency,
        agency_name=agency.name,
        job_role="housing",
        job_role_label="Housing officer",
        course_title=course.title,
        completed_at=when,
        expires_on=expires_on,
    )


def list_staff(agency: Agency, *people, job_role="housing") -> None:
    """Put people (users, or email addresses of people not registered) on the staff list."""
    for person in people:
        email = person if isinstance(person, str) else person.email
        StaffListEntry.objects.create(
            agency=agency, email=email.lower(), name="Staff Member", job_role=job_role
        )


def record_completion(user, course, at: datetime, expires_on: date | None = None, agency=None) -> Completion:
    """A completion of `course` by a registered learner at `at`, in her agency now unless
    `agency` is given, written as the site records one (by default current for three years)."""
    profile = LearnerProfile.objects.get(user=user)
    agency = agency or profile.agency
    cycle = Enrolment.objects.filter(learner=user, course=course).count() + 1
    enrolment = Enrolment.objects.create(learner=user, course=course, agency=agency, cycle=cycle)
    Enrolment.objects.filter(pk=enrolment.pk).update(started_at=at - timedelta(hours=1), completed_at=at)
    return Completion.objects.create(
        enrolment=enrolment,
        learner=user,
        course=course,
        agency=agency,
        agency_name=agency.name,
        job_role=profile.job_role,
        job_role_label=profile.job_role_label,
        course_title=course.title,
        completed_at=at,
        expires_on=expires_on or (at + timedelta(days=3 * 365)).date(),
    )
