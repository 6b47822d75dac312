"""seed_scale writes a real history: enrolments spread over two years, and each completion,
survey, knowledge check and quiz attempt after its start and never in the future. Read from the
raw rows, since the history is what the benchmarks measure and `auto_now_add` would silently
rewrite it."""

import io
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta

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
    every = Attempt.objects.filter(learner__username__startswith="scale.")  # knowledge checks too
    attempts = every.filter(purpose="quiz")
    assert attempts.count() > 10
    responses = Response.objects.filter(attempt__in=every).select_related("attempt", "version")
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
    # Each answer keeps its question's indicator category, as marking does (knowledge per category).
    assert all(response.category == (response.shown_snapshot["category"] or "") for response in responses)
    assert responses.exclude(category="").exists()
    assert expected_indicators and expected_colours
    assert IndicatorMark.objects.filter(attempt__in=every).count() == expected_indicators
    assert ColourMark.objects.filter(attempt__in=every).count() == expected_colours
    marked = IndicatorMark.objects.filter(attempt__in=every).select_related("response")
    assert all(mark.response.attempt_id == mark.attempt_id for mark in marked)
    # The report tallies count the bulk-written attempts too, beside any already there.
    from django.db.models import Sum

    from quizzes.models import ALL_JOB_ROLES, AttemptTally

    counted = Attempt.objects.filter(purpose="quiz", number=1, submitted_at__isnull=False)
    assert attempts.filter(number=1).count() == attempts.count()
    every_role, each_role = (
        AttemptTally.objects.filter(job_role=ALL_JOB_ROLES),
        AttemptTally.objects.exclude(job_role=ALL_JOB_ROLES),
    )
    for cells in (every_role, each_role):
        assert cells.aggregate(n=Sum("attempts"))["n"] == counted.count()


def test_asking_for_too_many_or_none_is_refused_and_writes_nothing():
    from django.contrib.auth import get_user_model
    from django.core.management.base import CommandError

    for staff in (0, 2_000_001):
        with pytest.raises(CommandError, match="between 1 and 2000000"):
            call_command("seed_scale", staff=staff, stdout=io.StringIO())
    assert not get_user_model().objects.filter(username__startswith="scale.").exists()


def _percent(earned, available):
    return round(100 * float(earned) / float(available), 6)


def _raw_knowledge(period):
    """The knowledge report's overall pairs counted here from the attempt and answer rows, as the
    report defines them: each person's latest first end-of-course attempt submitted in the period
    (by submission time, then id) whose enrolment has a submitted knowledge check, as (score in
    the check, score in the quiz), each the points earned as a percentage of the points
    available. Returns {learner: (agency, pair)}."""
    from quizzes.models import Attempt, Response

    start, end = period.bounds
    points = defaultdict(lambda: [0, 0])
    for attempt, score, available in Response.objects.values_list("attempt", "score", "points"):
        points[attempt][0] += score * available
        points[attempt][1] += available
    checked = dict(
        Attempt.objects.filter(purpose="check", submitted_at__isnull=False).values_list("enrolment", "pk")
    )
    latest = {}
    quizzes = Attempt.objects.filter(purpose="quiz", number=1, submitted_at__gte=start, submitted_at__lt=end)
    for pk, learner, enrolment, agency, submitted in quizzes.values_list(
        "pk", "learner", "enrolment", "enrolment__agency", "submitted_at"
    ):
        if enrolment in checked and (submitted, pk) > latest.get(learner, (submitted, -1))[:2]:
            latest[learner] = (submitted, pk, checked[enrolment], agency)
    return {
        learner: (agency, (_percent(*points[check]), _percent(*points[pk])))
        for learner, (_, pk, check, agency) in latest.items()
    }


def test_knowledge_checks_follow_the_rules_and_the_knowledge_report_equals_the_raw_records():
    """Every synthetic completion has one knowledge check (the core course requires it), taken
    minutes after the start and long before the quiz, drawn from the quiz's pools one question
    from each in turn, never passed, scored from its answers and mostly lower than at the end;
    and the knowledge report read from its tallies equals the report counted from the records
    and the pairs counted here from the raw rows."""
    from django.db.models import Count

    from cms.models import Agency
    from courses.models import Completion
    from courses.pairs import tallied_scope
    from courses.reports import Period
    from quizzes import reports as quiz_reports
    from quizzes.models import Attempt, Quiz
    from quizzes.pools import pool_candidates
    from quizzes.snapshots import load_questions

    call_command("seed_scale", staff=300, remove=True, stdout=io.StringIO())
    completions = Completion.objects.filter(learner__username__startswith="scale.")
    attempts = Attempt.objects.filter(learner__username__startswith="scale.")
    checks = attempts.filter(purpose="check").prefetch_related("responses")
    quiz = Quiz.objects.get(course=completions[0].course)
    size = quiz.knowledge_check_size
    assert size > 0 and checks.count() == completions.count() > 120
    assert set(checks.values_list("enrolment", flat=True)) == set(
        completions.values_list("enrolment", flat=True)
    )
    assert not checks.values("enrolment").annotate(n=Count("pk")).filter(n__gt=1).exists()
    assert not checks.exclude(number=1).exists() and not checks.filter(passed=True).exists()
    assert not checks.filter(submitted_at__isnull=True).exists()

    pools = list(quiz.pools.all())
    groups = [{q.pk for q in group} for group in pool_candidates(pools, load_questions(quiz))]
    in_turn = [size // len(pools) + (n < size % len(pools)) for n in range(len(pools))]
    scores = {}
    for check in checks:
        asked = [question["question_id"] for question in check.questions]
        assert len(set(asked)) == len(asked) == size
        assert [len(group.intersection(asked)) for group in groups] == in_turn
        responses = sorted(check.responses.all(), key=lambda response: response.position)
        assert [r.position for r in responses] == list(range(1, size + 1))
        assert [r.question_id for r in responses] == asked
        assert all(r.category == check.questions[r.position - 1]["category"] for r in responses)
        earned = sum(r.score * r.points for r in responses)
        assert check.score == round(100 * earned / sum(r.points for r in responses), 2)
        scores[check.enrolment_id] = check.score
    assert len({check.questions[0]["question_id"] for check in checks}) > 1  # checks differ

    # Minutes after the start, long before the end-of-course attempt of the same enrolment.
    users = "SELECT id FROM auth_user WHERE username LIKE 'scale.%%'"
    times = _rows(
        "SELECT e.started_at, c.started_at, c.submitted_at, q.started_at FROM quizzes_attempt c "
        "JOIN courses_enrolment e ON e.id = c.enrolment_id "
        "JOIN quizzes_attempt q ON q.enrolment_id = c.enrolment_id AND q.purpose = 'quiz' "
        f"WHERE c.purpose = 'check' AND c.learner_id IN ({users})"
    )
    assert len(times) == completions.count()
    assert all(
        enrolled < began < submitted < enrolled + timedelta(hours=1) and submitted < quiz_began
        for enrolled, began, submitted, quiz_began in times
    )

    # Scores spread, and most people know more at the end (answers, not the stored quiz score).
    period = Period(date(2020, 1, 1), date(timezone.localdate().year, 12, 31))  # whole months, all history
    pairs_by_person = _raw_knowledge(period)
    scale = set(completions.values_list("learner", flat=True))
    ours = [pair for learner, (_, pair) in pairs_by_person.items() if learner in scale]
    assert len(ours) == completions.count()
    befores = [before for before, _ in ours]
    assert len(set(befores)) > 5 and min(befores) <= 25 and max(befores) >= 75
    assert sum(before < after for before, after in ours) > 0.8 * len(ours)

    # The report from the tallies, from the records, and from the raw rows here agree.
    for agencies in (Agency.objects.all(), Agency.objects.filter(pk=completions[0].agency_id)):
        assert tallied_scope(agencies, period) is not None  # the tallies are read
        counted = quiz_reports.knowledge_counts(agencies, period)
        assert quiz_reports.knowledge(agencies, period) == quiz_reports.knowledge_from(agencies, counted)
        ids = set(agencies.values_list("pk", flat=True))
        people = sum(agency in ids for agency, _ in pairs_by_person.values())
        assert quiz_reports.knowledge_people(agencies, period) == people > 0
    overall, per_agency, per_category = quiz_reports.knowledge_counts(Agency.objects.all(), period)
    assert overall == Counter(pair for _, pair in pairs_by_person.values())
    assert {agency: counts for agency, counts in per_agency.items() if counts} == {
        agency: Counter(pair for a, pair in pairs_by_person.values() if a == agency)
        for agency in {agency for agency, _ in pairs_by_person.values()}
    }
    assert len(per_category) > 3

    # --remove takes the checks away with the rest.
    made = set(checks.values_list("pk", flat=True))
    call_command("seed_scale", staff=40, remove=True, stdout=io.StringIO())
    assert not Attempt.objects.filter(pk__in=made).exists()
    assert attempts.filter(purpose="check").count() == completions.count() > 0
