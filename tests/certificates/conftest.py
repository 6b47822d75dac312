import pytest

from courses import services
from tests.factories import lessons_of, make_course, make_learner, survey_ratings


@pytest.fixture
def complete(django_capture_on_commit_callbacks):
    """Complete a one-lesson course for a new learner, running what waits for the commit
    (certificate issue), and return the completion."""

    def run(agency="housing", first_name="Holly", last_name="Harris", **course_options):
        learner = make_learner(agency, first_name=first_name, last_name=last_name)
        course = make_course(lessons=1, **course_options)
        with django_capture_on_commit_callbacks(execute=True):
            enrolment = services.enrol(learner, course)
            services.submit_survey(enrolment, "before", survey_ratings("before"))
            services.complete_lesson(enrolment, lessons_of(course)[0])
            services.submit_survey(enrolment, "after", survey_ratings("after"))
        return enrolment.completion

    return run
