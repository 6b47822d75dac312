"""Two workers issuing the same certificate at once, on PostgreSQL: one certificate."""

import pytest

from certificates.issuing import issue
from certificates.models import Certificate
from courses import services
from courses.models import Completion
from tests.concurrency import learner_and_course, run_at_once
from tests.factories import lessons_of

pytestmark = pytest.mark.postgres


def test_two_concurrent_issues_make_one_certificate(committed):
    learner, course = learner_and_course(committed, lessons=1, required=["lessons"])
    enrolment = services.enrol(learner, course)
    services.complete_lesson(enrolment, lessons_of(course)[0])  # its on-commit issue runs too
    completion = Completion.objects.get(enrolment=enrolment)
    Certificate.objects.filter(completion=completion).delete()
    results, errors = run_at_once(4, lambda: issue(Completion.objects.get(pk=completion.pk)).pk)
    assert errors == []
    assert Certificate.objects.filter(completion=completion).count() == 1
    assert len(set(results)) == 1
