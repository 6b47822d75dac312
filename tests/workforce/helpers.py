"""Raw rows for the workforce tests: completions made at a given London time, without going
through a course, so quarter and British Summer Time boundaries can be set exactly."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db.models import Q

from cms.models import Agency
from courses.models import Completion, CoursePage, Enrolment
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
