"""On PostgreSQL: learners marked at the same moment in the same cell of the tallies each add
their own counts (the upsert adds in the database; no read-modify-write loses one)."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Sum

from cms.models import Agency
from courses import services as course_services
from courses.models import CoursePage
from quizzes import services
from quizzes.management.commands.rebuild_summaries import REBUILDS
from quizzes.models import ALL_JOB_ROLES, AnswerTally, Attempt, AttemptTally, Quiz, Response
from quizzes.scoring import model_answer
from tests.concurrency import run_at_once
from tests.factories import SAMPLE_QUESTIONS, make_course, make_learner, make_quiz, open_the_quiz

pytestmark = pytest.mark.postgres

LEARNERS = 4


def test_simultaneous_first_attempts_are_all_counted(committed):
    course = make_course(lessons=1, title="Racing tallies")
    committed["courses"].append(course)
    quiz = make_quiz(course, SAMPLE_QUESTIONS, slug="racing-tallies")
    attempts = []
    for _ in range(LEARNERS):
        learner = make_learner("housing", job_role="housing")
        committed["users"].append(learner)
        open_the_quiz(course_services.enrol(learner, course))
        attempts.append(services.start_attempt(learner, quiz))
    waiting = iter(attempts)

    def submit():
        attempt = Attempt.objects.get(pk=next(waiting).pk)
        return services.submit_attempt(attempt, [model_answer(q) for q in attempt.questions]).pk

    results, errors = run_at_once(LEARNERS, submit)
    assert errors == [] and len(results) == LEARNERS
    counted = AttemptTally.objects.filter(quiz=quiz, job_role="housing").aggregate(n=Sum("attempts"))["n"]
    assert AttemptTally.objects.get(quiz=quiz, job_role=ALL_JOB_ROLES).attempts == counted
    assert (
        counted == Attempt.objects.filter(quiz=quiz, number=1, submitted_at__isnull=False).count() == LEARNERS
    )
    every_role = AnswerTally.objects.filter(quiz=quiz, job_role=ALL_JOB_ROLES)
    answers = every_role.aggregate(n=Sum("answers"), right=Sum("right"))
    raw = Response.objects.filter(attempt__quiz=quiz)
    assert answers == {"n": raw.count(), "right": raw.filter(score=1).count()}
    assert raw.count() == LEARNERS * len(SAMPLE_QUESTIONS)


def test_rebuilding_every_tally_at_once_gives_what_the_writes_kept(committed):
    """`rebuild_all` outside a transaction recounts the quiz tallies, the pairs and coverage in
    forked processes at once: each must come out as the writes kept it, cell for cell, and the
    test's own connection must still work afterwards."""
    from courses.models import PairTally
    from quizzes.management.commands.rebuild_summaries import rebuild_all
    from quizzes.summaries import TALLIES
    from workforce import tallies
    from workforce.models import CoverageTally

    course = make_course(lessons=1, title="Rebuilt tallies")
    committed["courses"].append(course)
    quiz = make_quiz(course, SAMPLE_QUESTIONS, slug="rebuilt-tallies")
    for _ in range(3):
        learner = make_learner("housing", job_role="housing")
        committed["users"].append(learner)
        open_the_quiz(course_services.enrol(learner, course))
        attempt = services.start_attempt(learner, quiz)
        services.submit_attempt(attempt, [model_answer(q) for q in attempt.questions])

    def cells():
        kept = {
            model.__name__: sorted(model.objects.values_list(*model.unique_fields(), *model.COUNTS))
            for model in TALLIES
        }
        kept["pairs"] = sorted(PairTally.objects.exclude(people=0).values_list(*PairTally.CELL, "people"))
        kept["coverage"] = sorted(CoverageTally.objects.exclude(change=0).values_list(*tallies.CELL, "change"))
        return kept

    kept = cells()
    assert kept["AttemptTally"] and kept["pairs"] and kept["coverage"]
    assert not connection.in_atomic_block  # so the rebuilds run on connections of their own
    rebuild_all()
    rebuilt = cells()  # read on this process's connection, opened again
    for model in TALLIES:  # cells counted back to zero by the writes are gone after a rebuild
        width = len(model.COUNTS)
        kept[model.__name__] = [row for row in kept[model.__name__] if any(row[-width:])]
    assert rebuilt == kept


def _fails():
    raise RuntimeError("the pairs could not be counted")


def test_a_rebuild_that_fails_in_its_process_fails_the_whole(committed, monkeypatch):
    """A rebuild that raises in its forked process makes `rebuild_all` raise the same error
    (the command and `seed_scale` must not report tallies they did not count); what the others
    recount in their own transactions comes out as the writes kept it."""
    from quizzes import summaries
    from quizzes.management.commands import rebuild_summaries
    from quizzes.models import AttemptTally

    course = make_course(lessons=1, title="Failed rebuild")
    committed["courses"].append(course)
    quiz = make_quiz(course, SAMPLE_QUESTIONS, slug="failed-rebuild")
    learner = make_learner("housing", job_role="housing")
    committed["users"].append(learner)
    open_the_quiz(course_services.enrol(learner, course))
    attempt = services.start_attempt(learner, quiz)
    services.submit_attempt(attempt, [model_answer(q) for q in attempt.questions])
    kept = sorted(AttemptTally.objects.filter(quiz=quiz).values_list("job_role", "attempts"))
    assert kept

    monkeypatch.setattr(rebuild_summaries, "REBUILDS", (summaries.rebuild, _fails))
    with pytest.raises(RuntimeError, match="could not be counted"):
        rebuild_summaries.rebuild_all()
    assert sorted(AttemptTally.objects.filter(quiz=quiz).values_list("job_role", "attempts")) == kept


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the locks are PostgreSQL's")
@pytest.mark.parametrize("rebuild", range(3), ids=["quiz tallies", "pairs", "coverage"])
def test_a_rebuild_locks_no_table_it_does_not_write(rebuild):
    """A rebuild holds its own tables until it commits, and nothing every page reads: it took
    agencies and quizzes with it when it set the quiz tallies' keys aside (PostgreSQL drops a
    key under an exclusive lock on the table it refers to), so every page, and the other
    rebuilds, waited for it."""
    read_everywhere = {model._meta.db_table for model in (Agency, Quiz, CoursePage, get_user_model())}
    with transaction.atomic():
        REBUILDS[rebuild]()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT relation::regclass::text FROM pg_locks WHERE pid = pg_backend_pid() "
                "AND mode = 'AccessExclusiveLock' AND relation IS NOT NULL"
            )
            locked = {name for (name,) in cursor.fetchall()}
    assert locked.isdisjoint(read_everywhere)
