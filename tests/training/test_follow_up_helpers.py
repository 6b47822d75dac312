"""Raw rows for the follow-up tests: completions made directly (no journey), so each test
states exactly when each person completed what."""

from datetime import UTC, datetime

from cms.models import Agency
from courses.models import Completion, CoursePage, Enrolment
from tests.factories import make_course, make_learner

# Long before any demo training (which goes back about 400 days), so only these rows are due.
NOW = datetime(2016, 3, 1, 9, 0, tzinfo=UTC)


def course_with(weeks=12, title=None):
    course = make_course(lessons=0, title=title)
    CoursePage.objects.filter(pk=course.pk).update(follow_up_weeks=weeks)
    return CoursePage.objects.get(pk=course.pk)


def completed(course, at, learner=None, agency="housing", mode="e_learning", job_role="housing"):
    learner = learner or make_learner(agency, job_role=job_role)
    cycle = Enrolment.objects.filter(learner=learner, course=course).count() + 1
    place = Agency.objects.get(code=agency)
    enrolment = Enrolment.objects.create(
        learner=learner, course=course, agency=place, cycle=cycle, delivery_mode=mode, completed_at=at
    )
    return Completion.objects.create(
        enrolment=enrolment,
        learner=learner,
        course=course,
        agency=place,
        agency_name=place.name,
        job_role=job_role,
        job_role_label=job_role.title(),
        course_title=course.title,
        delivery_mode=mode,
        completed_at=at,
        expires_on=at.date().replace(year=at.year + 3),
    )
