"""What an answer stores of its question, before and after question versions, for the
shipped core quiz as attempts draw it:

    make bench    (or TEST_DATABASE_URL=postgres://... make bench for PostgreSQL's sizes)

Before, each answer carried the whole snapshot; now it carries its version's id and the
attempt's part ids, and each version is stored once. Prints bytes per answer (the JSON
text, which is what SQLite stores; on PostgreSQL also `pg_column_size`, jsonb with its
compression) and the ratio, and what the attempt row still keeps (`Attempt.questions`)."""

import json
import statistics

import pytest
from django.db import connection

from quizzes.draws import draw
from quizzes.models import Quiz
from quizzes.snapshots import split

pytestmark = pytest.mark.django_db
FOREIGN_KEY_BYTES = 8  # the bigint that refers to the version
DRAWS = 20
AT_LEAST_TIMES_SMALLER = 10


def stored_size(value):
    """Bytes the database keeps for a JSON value in a row."""
    if connection.vendor != "postgresql":
        return len(json.dumps(value).encode())
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_column_size(%s::jsonb)", [json.dumps(value)])
        return cursor.fetchone()[0]


def test_an_answer_stores_a_small_fraction_of_its_snapshot():
    quiz = Quiz.objects.get(course__agency__isnull=True, course__slug="core")
    before, after, attempts = [], [], []
    for _ in range(DRAWS):
        shown, _ = draw(quiz)
        attempts.append(stored_size(shown))
        for snapshot in shown:
            before.append(stored_size(snapshot))
            after.append(stored_size(split(snapshot)[1]) + FOREIGN_KEY_BYTES)
    old, new = statistics.mean(before), statistics.mean(after)
    print(
        f"\nsnapshot storage per answer ({connection.vendor}, core quiz, {len(before)} answers): "
        f"{old:.0f} bytes before, {new:.0f} bytes after (version id and part ids), {old / new:.1f}x smaller; "
        f"per 1.45 million answers {old * 1.45e6 / 2**20:.0f} MB before, {new * 1.45e6 / 2**20:.0f} MB after; "
        f"the attempt itself still keeps its {statistics.mean(attempts):.0f} bytes of snapshots"
    )
    assert old >= AT_LEAST_TIMES_SMALLER * new
