"""Large synthetic data for benchmarks: N staff across the agencies, with completions,
survey answers, knowledge checks and quiz attempts, written in bulk (it does not go through
the journey's rules, which are tested elsewhere). Marked so it can be removed again.

The history is spread over two years: enrolments start on any day of the last 730; the
"before" survey comes at the start and the knowledge check minutes later; a completion, its
"after" survey and its quiz attempt come up to 40 days after the start and never after now.

Rows are written by `cms.bulk.BulkWriter`: PostgreSQL's COPY (a million staff need tens of millions
of rows, which INSERT statements and Django's objects cannot carry in reasonable time or
memory), executemany elsewhere, with ids taken from the database's sequence beforehand so
that the rows can refer to each other without reading anything back. Staff are made in
batches, so memory stays flat however many are asked for, all in one transaction with the
tables' indexes and keys set aside until the end (`cms.bulk.indexes_set_aside`): a failure
half-way leaves nothing behind, and the tables are locked while it runs, so run it on a
database kept for measuring. The
report tallies (`quizzes.summaries`, `courses.pairs`) are counted again at the end, since bulk rows go round
the code that keeps them."""

import json
import random
import time
from datetime import datetime, timedelta
from decimal import Decimal
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries, transaction
from django.utils import timezone

from cms.bulk import BulkWriter, indexes_set_aside
from cms.models import Agency
from courses.models import (
    Completion,
    CoursePage,
    Enrolment,
    JobRole,
    LearnerProfile,
    PairMark,
    PairTally,
    SurveyItem,
    SurveyResponse,
    SurveySubmission,
)
from quizzes import marks
from quizzes.draws import choose, in_order
from quizzes.management.commands.rebuild_summaries import rebuild_all
from quizzes.models import Attempt, ColourMark, IndicatorMark, Purpose, QuestionVersion, Quiz, Response
from quizzes.scoring import mark, model_answer, quiz_percentage
from quizzes.snapshots import load_questions, quiz_snapshots, split
from workforce.models import CoverageMark, CoverageTally, StateMark

PREFIX = "scale."
# Every table the batches write, in the order they are written.
WRITTEN = (
    get_user_model(),
    LearnerProfile,
    Enrolment,
    Completion,
    SurveySubmission,
    SurveyResponse,
    Attempt,
    Response,
    IndicatorMark,
    ColourMark,
)
BATCH = 2000
MOST_STAFF = 2_000_000
HISTORY_DAYS = 730  # enrolments start on any day of the last two years
LONGEST_COURSE_DAYS = 40
DRAWS = 12  # different sets of questions the synthetic attempts (and checks) are given
QUIZ_RIGHT = 0.8  # the share of end-of-course answers that are right
CHECK_RIGHT = (0.2, 0.8)  # the range of each person's share of right answers in the knowledge check


class Command(BaseCommand):
    help = (
        "Make N synthetic staff (scale.<n>@example.org) with completions, surveys, knowledge checks "
        "and quiz attempts."
    )

    def add_arguments(self, parser):
        parser.add_argument("--staff", type=int, required=True)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--remove", action="store_true", help="Remove earlier synthetic staff first.")

    def handle(self, *args, staff, seed, remove, **options):
        if not 1 <= staff <= MOST_STAFF:
            raise CommandError(f"--staff must be between 1 and {MOST_STAFF}.")
        User = get_user_model()
        if remove:
            self._remove(User)
        if User.objects.filter(username__startswith=PREFIX).exists():
            raise CommandError("Synthetic staff already exist; pass --remove to replace them.")
        rng = random.Random(seed)
        agencies = list(Agency.objects.all())
        core = CoursePage.objects.filter(agency__isnull=True).first()
        if core is None:
            raise CommandError("Load the content first (manage.py load_content).")
        quiz = Quiz.objects.filter(course=core).first()
        draws = _draws(quiz, rng) if quiz else None
        items = list(SurveyItem.objects.filter(active=True))
        password = make_password(None)
        now = timezone.now()
        began = time.monotonic()
        with transaction.atomic(), indexes_set_aside(*WRITTEN):
            for start in range(0, staff, BATCH):
                numbers = range(start, min(staff, start + BATCH))
                self._batch(User, numbers, rng, agencies, core, quiz, draws, items, password, now)
                reset_queries()  # see `cms.bulk`
        written = time.monotonic()
        _analyse(WRITTEN)  # before the recounts, which read these tables
        rebuild_all()  # the report tallies, which rows written in bulk go round
        _analyse((PairMark, PairTally, CoverageMark, CoverageTally, StateMark))
        self.stdout.write(
            f"Made {staff} synthetic staff in {time.monotonic() - began:.0f} s "
            f"(rows {written - began:.0f} s, tallies and statistics {time.monotonic() - written:.0f} s)."
        )

    def _remove(self, User):
        """The answer tables hold most of the rows, so they go first in plain DELETEs (Django
        would fetch every row to cascade); Django's cascade then removes the rest
        (certificates, logs and other rows that refer to staff)."""
        users = User.objects.filter(username__startswith=PREFIX)
        attempts = Attempt.objects.filter(learner__in=users)
        for model in (IndicatorMark, ColourMark, Response):
            _delete_rows(model.objects.filter(attempt__in=attempts))
        _delete_rows(SurveyResponse.objects.filter(enrolment__learner__in=users))
        _delete_rows(attempts)
        _delete_rows(Completion.objects.filter(learner__in=users))  # no recount per row: rebuilt at the end
        enrolments = Enrolment.objects.filter(learner__in=users)
        _delete_rows(SurveySubmission.objects.filter(enrolment__in=enrolments))
        _delete_rows(enrolments)  # nor per enrolment or profile (their deletions recount one person each)
        _delete_rows(LearnerProfile.objects.filter(user__in=users))
        users.delete()

    def _batch(self, User, numbers, rng, agencies, core, quiz, draws, items, password, now):
        write = BulkWriter(now)
        user_ids = write.ids(User, len(numbers))
        write(
            User,
            ("id", "username", "email", "first_name", "last_name", "password"),
            (
                (pk, f"{PREFIX}{n}@example.org", f"{PREFIX}{n}@example.org", "Scale", str(n), password)
                for pk, n in zip(user_ids, numbers, strict=True)
            ),
        )
        roles = [(role, label) for role, label in JobRole.choices][:-1]  # not "Other", which needs words
        profile_of = {pk: (rng.choice(agencies), *rng.choice(roles)) for pk in user_ids}
        write(
            LearnerProfile,
            ("user_id", "agency_id", "job_role", "privacy_accepted_at", "first_name", "last_name"),
            (
                (pk, agency.pk, role, now, "Scale", str(n))
                for (pk, (agency, role, _)), n in zip(profile_of.items(), numbers, strict=True)
            ),
        )
        enrolments = []  # (id, learner, agency, started, completed or None)
        for pk in user_ids:
            if rng.random() < 0.8:
                started = now - timedelta(days=rng.randint(1, HISTORY_DAYS), minutes=rng.randrange(24 * 60))
                done = started + timedelta(days=rng.randint(0, LONGEST_COURSE_DAYS), hours=rng.randint(1, 9))
                enrolments.append(
                    [pk, profile_of[pk][0], started, done if rng.random() < 0.75 and done < now else None]
                )
        for row, enrolment_id in zip(enrolments, write.ids(Enrolment, len(enrolments)), strict=True):
            row.insert(0, enrolment_id)
        write(
            Enrolment,
            ("id", "learner_id", "course_id", "agency_id", "started_at", "completed_at"),
            (
                (e, learner, core.pk, agency.pk, started, done)
                for e, learner, agency, started, done in enrolments
            ),
        )
        completed = [row for row in enrolments if row[4]]
        expiry = timedelta(days=3 * 365)
        write(
            Completion,
            (
                "enrolment_id",
                "learner_id",
                "course_id",
                "agency_id",
                "agency_name",
                "job_role",
                "job_role_label",
                "course_title",
                "completed_at",
                "expires_on",
                "quiz_score",
            ),
            (
                (
                    e,
                    learner,
                    core.pk,
                    agency.pk,
                    agency.name,
                    *profile_of[learner][1:],
                    core.title,
                    done,
                    (done + expiry).date(),
                    Decimal(rng.randint(70, 100)),
                )
                for e, learner, agency, _, done in completed
            ),
        )
        submission_ids = iter(write.ids(SurveySubmission, 2 * len(completed)))
        surveys = [(e, next(submission_ids), next(submission_ids)) for e, *_ in completed]
        write(
            SurveySubmission,
            ("id", "enrolment_id", "phase", "submitted_at"),
            (
                row
                for (e, _, _, started, done), (_, before, after) in zip(completed, surveys, strict=True)
                for row in ((before, e, "before", started), (after, e, "after", done))
            ),
        )
        write(
            SurveyResponse,
            ("submission_id", "enrolment_id", "item_id", "phase", "rating"),
            (
                row
                for e, before, after in surveys
                for item in items
                for row in _ratings(rng, e, before, after, item)
            ),
        )
        if quiz:
            quiz_draws, check_draws = draws
            taken = list(_quiz_attempts(rng, quiz_draws, completed))
            if check_draws:
                taken += _knowledge_checks(rng, check_draws, completed)
            _write_attempts(write, quiz, taken)


class _Taken(NamedTuple):
    """One attempt to write: which draw it answers, which of its answers are right, and when."""

    enrolment: int
    learner: int
    purpose: str
    draw: "_Draw"
    right: list
    started_at: datetime
    submitted_at: datetime
    score: Decimal
    passed: bool


def _quiz_attempts(rng, draws, completed):
    """One first attempt per completion, submitted when she completed, given one of the draws
    at random, each question answered right `QUIZ_RIGHT` of the time; passed (the completion
    needs a pass) with a score from 70 to 100."""
    for e, learner, _, _, done in completed:
        draw = rng.choice(draws)
        right = [rng.random() < QUIZ_RIGHT for _ in draw.variants]
        score = Decimal(rng.randint(70, 100))
        yield _Taken(e, learner, Purpose.QUIZ, draw, right, done - timedelta(minutes=20), done, score, True)


def _knowledge_checks(rng, draws, completed):
    """The knowledge check of every completion: a course whose quiz has one requires it before
    the lessons (`content_fixtures.loader`), so she took it minutes after she started, long
    before the quiz (at least 40 minutes before she completed). Each person gets a share of
    right answers from the range `CHECK_RIGHT`, so that scores spread and most are lower than
    at the end; scored from the answers, as a real check is, and never passed (the model's
    `one_knowledge_check_never_passed`)."""
    for e, learner, _, started, _ in completed:
        draw = rng.choice(draws)
        share = rng.uniform(*CHECK_RIGHT)
        right = [rng.random() < share for _ in draw.variants]
        began = started + timedelta(minutes=rng.randint(1, 10))
        submitted = began + timedelta(minutes=rng.randint(4, 15))
        yield _Taken(e, learner, Purpose.CHECK, draw, right, began, submitted, draw.score(right), False)


def _write_attempts(write, quiz, taken):
    """The attempts (`_Taken`), their answers and the answers' mark rows. What an attempt keeps
    of its questions (`Attempt.drawn`) and the JSON of every answer are made once per draw, not
    per row."""
    attempt_ids = write.ids(Attempt, len(taken))
    write(
        Attempt,
        (
            "id",
            "learner_id",
            "quiz_id",
            "enrolment_id",
            "purpose",
            "number",
            "drawn",
            "started_at",
            "submitted_at",
            "passed",
            "score",
        ),
        (
            (a, t.learner, quiz.pk, t.enrolment, t.purpose, 1, t.draw.drawn)
            + (t.started_at, t.submitted_at, t.passed, t.score)
            for a, t in zip(attempt_ids, taken, strict=True)
        ),
    )
    answers = [
        (a, variant, right)
        for a, t in zip(attempt_ids, taken, strict=True)
        for variant, right in zip(t.draw.variants, t.right, strict=True)
    ]
    response_ids = write.ids(Response, len(answers))
    write(
        Response,
        (
            "id",
            "attempt_id",
            "question_id",
            "position",
            "question_type",
            "version_id",
            "part_ids",
            "answer",
            "score",
            "points",
            "category",
        ),
        (
            (r, a, *variant.response(right))
            for r, (a, variant, right) in zip(response_ids, answers, strict=True)
        ),
    )
    marked = list(zip(response_ids, answers, strict=True))
    write(
        IndicatorMark,
        ("response_id", "attempt_id", "category", "category_label", "ticked"),
        ((r, a, *row) for r, (a, variant, right) in marked for row in variant.indicators[right]),
    )
    write(
        ColourMark,
        ("response_id", "attempt_id", "band", "correct", "chosen"),
        ((r, a, *row) for r, (a, variant, right) in marked for row in variant.colours[right]),
    )


def _analyse(models):
    """Refresh the planner's statistics of tables just filled in bulk, as a real database's
    routine maintenance would: the written tables before the recounts read them (until then
    PostgreSQL plans their queries with what it knew of the tables before the load, and its
    own maintenance comes round to them only later), the tallies before reports are timed."""
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _delete_rows(queryset):
    """One DELETE of the rows a query selects, by their ids."""
    select, params = queryset.values("pk").query.sql_with_params()
    table = connection.ops.quote_name(queryset.model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id IN ({select})", params)


def _ratings(rng, enrolment, before_survey, after_survey, item):
    """A person's before, after and looking-back ratings of one item: mostly a little more
    confident after, and a little less sure of where they started when looking back."""
    before = rng.randint(1, 4)
    return (
        (before_survey, enrolment, item.pk, "before", before),
        (after_survey, enrolment, item.pk, "after", min(5, before + rng.choice([0, 1, 1, 2]))),
        (after_survey, enrolment, item.pk, "retrospective", max(1, before - rng.choice([0, 0, 1]))),
    )


def _draws(quiz, rng):
    """`DRAWS` sets of questions for end-of-course attempts and `DRAWS` for knowledge checks
    (none when the quiz has no check), drawn from the quiz's pools as real attempts and checks
    draw them (an attempt answers a pool's count of its questions, not the whole bank; a check
    its `knowledge_check_size`, one from each pool in turn), each with every question's stored
    version; the versions are made once, outside the batches."""
    snapshots = {snapshot["question_id"]: snapshot for snapshot in quiz_snapshots(quiz)}
    halves = {pk: split(snapshot) for pk, snapshot in snapshots.items()}
    stored = QuestionVersion.objects.store([(shared, pk) for pk, (shared, _) in halves.items()])
    versions = {pk: (version, halves[pk][1]) for pk, version in zip(halves, stored, strict=True)}
    bank = load_questions(quiz)

    def drawn(size):
        return [
            _Draw([snapshots[q.pk] for q in in_order(choose(quiz, bank, rng, size), rng)], versions)
            for _ in range(DRAWS)
        ]

    return drawn(None), drawn(quiz.knowledge_check_size) if quiz.knowledge_check_size else []


class _Draw:
    """One set of questions in the order shown: what an attempt keeps of it (`Attempt.drawn`,
    as JSON text) and each question's answers (`_Variants`)."""

    def __init__(self, shown, versions):
        kept = [versions[snapshot["question_id"]] for snapshot in shown]
        self.drawn = json.dumps([[version.pk, part_ids] for version, part_ids in kept])
        self.variants = [
            _Variants(position, snapshot, *versions[snapshot["question_id"]])
            for position, snapshot in enumerate(shown, 1)
        ]

    def score(self, right):
        """The attempt's score (a percentage) when the answers `right` (one per question) are
        right, as marking gives it."""
        marked = [
            (variant.marked[r], variant.snapshot["points"])
            for variant, r in zip(self.variants, right, strict=True)
        ]
        return Decimal(str(quiz_percentage(marked)))


class _Variants:
    """One question answered right (its model answer) or wrong (left blank): the response's
    values, mark and mark rows for each, worked out once for every attempt that answers it.
    Every answer refers to the question's one stored version, with the same part ids
    (synthetic attempts show the database's own)."""

    def __init__(self, position, snapshot, version, part_ids):
        self.position, self.snapshot, self.version = position, snapshot, version
        self.part_ids = json.dumps(part_ids)
        answers = {True: model_answer(snapshot), False: {}}
        self.answers = {right: json.dumps(answer) for right, answer in answers.items()}
        self.marked = {right: mark(snapshot, answer) for right, answer in answers.items()}
        self.indicators = {right: marks.indicator_marks(snapshot, a) for right, a in answers.items()}
        self.colours = {right: marks.colour_marks(snapshot, a) for right, a in answers.items()}

    def response(self, right):
        """question, position, type, version, part ids, answer, score, points, category"""
        snapshot, score = self.snapshot, self.marked[right].score
        return (
            snapshot["question_id"],
            self.position,
            snapshot["type"],
            self.version.pk,
            self.part_ids,
            self.answers[right],
            Decimal(score.numerator) / Decimal(score.denominator),
            snapshot["points"],
            snapshot.get("category") or "",
        )
