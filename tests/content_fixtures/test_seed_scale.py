"""seed_scale writes a real history: enrolments spread over two years, and each completion,
survey and quiz attempt after its start and never in the future. Read from the raw rows, since
the history is what the benchmarks measure and `auto_now_add` would silently rewrite it."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

pytestmark = pytest.mark.django_db


def _when(value):
    """A timestamp as the database returns it (SQLite gives text, PostgreSQL datetimes)."""
    value = value if isinstance(value, datetime) else parse_datetime(value)
    return value if timezone.is_aware(value) else value.replace(tzinfo=UTC)


def _rows(sql):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [tuple(_when(v) if v is not None else None for v in row) for row in cursor.fetchall()]


def test_the_synthetic_history_spreads_over_two_years_with_completions_after_starts():
    before = timezone.now()
    call_command("seed_scale", staff=400, remove=True, stdout=io.StringIO())
    after = timezone.now()
    users = "SELECT id FROM auth_user WHERE username LIKE 'scale.%%'"
    enrolments = _rows(
        "SELECT e.started_at, e.completed_at, c.completed_at FROM courses_enrolment e "
        f"LEFT JOIN courses_completion c ON c.enrolment_id = e.id WHERE e.learner_id IN ({users})"
    )
    assert len(enrolments) > 250
    starts = sorted(start for start, _, _ in enrolments)
    assert starts[-1] < before  # none starts "now", as auto_now_add would make it
    assert starts[-1] - starts[0] > timedelta(days=650)  # two years, roughly evenly
    in_first_year = sum(start < before - timedelta(days=365) for start in starts)
    assert 0.35 < in_first_year / len(starts) < 0.65

    completed = [(start, done, completion) for start, done, completion in enrolments if done]
    assert len(completed) > len(enrolments) / 2
    assert all(start < done <= after and done == completion for start, done, completion in completed)
    assert all(completion is None for _, done, completion in enrolments if done is None)

    surveys = _rows(
        "SELECT e.started_at, s.submitted_at, e.completed_at FROM courses_surveysubmission s "
        "JOIN courses_enrolment e ON e.id = s.enrolment_id "
        f"WHERE e.learner_id IN ({users}) AND s.phase = 'before'"
    )
    assert surveys and all(start == submitted < done for start, submitted, done in surveys)
    afters = _rows(
        "SELECT s.submitted_at, e.completed_at FROM courses_surveysubmission s "
        "JOIN courses_enrolment e ON e.id = s.enrolment_id "
        f"WHERE e.learner_id IN ({users}) AND s.phase = 'after'"
    )
    assert afters and all(submitted == done for submitted, done in afters)
    attempts = _rows(
        "SELECT e.started_at, a.started_at, a.submitted_at FROM quizzes_attempt a "
        f"JOIN courses_enrolment e ON e.id = a.enrolment_id WHERE a.learner_id IN ({users})"
    )
    assert all(enrolled <= began < submitted <= after for enrolled, began, submitted in attempts)


def test_bulk_written_rows_read_back_whole_with_their_marks():
    """The writer fills ids itself and never reads rows back: each answer must still refer to
    its own attempt, keep its question as written, and have the mark rows its question gives."""
    from quizzes.kinds import get as kind_of
    from quizzes.models import Attempt, ColourMark, IndicatorMark, Response

    call_command("seed_scale", staff=60, remove=True, stdout=io.StringIO())
    attempts = Attempt.objects.filter(learner__username__startswith="scale.")
    assert attempts.count() > 10
    responses = Response.objects.filter(attempt__in=attempts).select_related("attempt", "version")
    assert all(r.attempt.enrolment.learner_id == r.attempt.learner_id for r in responses[:50])
    expected_indicators = expected_colours = 0
    for response in responses:
        shown = response.shown_snapshot
        assert shown["question_id"] == response.question_id
        assert shown == response.attempt.questions[response.position - 1]
        kind = kind_of(shown["type"])
        expected_indicators += len(kind.indicator_marks(shown, response.answer))
        expected_colours += len(kind.colour_marks(shown, response.answer))
    # Each attempt draws a pool's count of questions from each pool, as real attempts do, and
    # attempts differ in what they draw; each question has one stored version, however many
    # answers it has.
    quiz = attempts[0].quiz
    drawn = sum(pool.count for pool in quiz.pools.all())
    assert 0 < drawn < quiz.questions.filter(live=True).count()
    assert all(len(attempt.questions) == drawn for attempt in attempts)
    assert len({frozenset(q["question_id"] for q in attempt.questions) for attempt in attempts}) > 1
    asked = responses.values("question").distinct().count()
    assert responses.values("version").distinct().count() == asked < responses.count()
    assert expected_indicators and expected_colours
    assert IndicatorMark.objects.filter(attempt__in=attempts).count() == expected_indicators
    assert ColourMark.objects.filter(attempt__in=attempts).count() == expected_colours
    marked = IndicatorMark.objects.filter(attempt__in=attempts).select_related("response")
    assert all(mark.response.attempt_id == mark.attempt_id for mark in marked)
    # The report tallies count the bulk-written attempts too, beside any already there.
    from django.db.models import Sum

    from quizzes.models import AttemptTally

    counted = Attempt.objects.filter(purpose="quiz", number=1, submitted_at__isnull=False)
    assert attempts.filter(purpose="quiz", number=1).count() == attempts.count()
    assert AttemptTally.objects.aggregate(n=Sum("attempts"))["n"] == counted.count()


def test_asking_for_too_many_or_none_is_refused_and_writes_nothing():
    from django.contrib.auth import get_user_model
    from django.core.management.base import CommandError

    for staff in (0, 2_000_001):
        with pytest.raises(CommandError, match="between 1 and 2000000"):
            call_command("seed_scale", staff=staff, stdout=io.StringIO())
    assert not get_user_model().objects.filter(username__startswith="scale.").exists()
