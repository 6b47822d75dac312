"""Each person's latest completion of each course (refreshers due, coverage) is found
through an index, not by reading every completion of a large partnership."""

import pytest
from django.db import connection

from courses.models import Completion

pytestmark = pytest.mark.django_db


def test_completions_are_indexed_by_learner_course_and_time():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Completion._meta.db_table)
    indexed = [c["columns"] for c in constraints.values() if c["index"]]
    assert ["learner_id", "course_id", "completed_at"] in indexed
