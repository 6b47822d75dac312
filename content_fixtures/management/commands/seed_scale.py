"""Large synthetic data for benchmarks: N staff across the agencies, with completions,
survey answers and quiz attempts, written in bulk (it does not go through the journey's
rules, which are tested elsewhere). Marked so it can be removed again.

The history is spread over two years: enrolments start on any day of the last 730, and a
completion, its "after" survey and its quiz attempt come up to 40 days after the start and
never after now.

Rows are written by `BulkWriter`: PostgreSQL's COPY (a million staff need tens of millions
of rows, which INSERT statements and Django's objects cannot carry in reasonable time or
memory), executemany elsewhere, with ids taken from the database's sequence beforehand so
that the rows can refer to each other without reading anything back. Staff are made in
batches, each in its own transaction, so memory stays flat however many are asked for. The
report tallies (`quizzes.summaries`, `courses.pairs`) are counted again at the end, since bulk rows go round
the code that keeps them."""

import json
import random
import time
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import JSONField, Max
from django.utils import timezone

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
from quizzes.models import Attempt, ColourMark, IndicatorMark, QuestionVersion, Quiz, Response
from quizzes.scoring import model_answer
from quizzes.snapshots import load_questions, quiz_snapshots, split

PREFIX = "scale."
BATCH = 2000
MOST_STAFF = 2_000_000
HISTORY_DAYS = 730  # enrolments start on any day of the last two years
LONGEST_COURSE_DAYS = 40
DRAWS = 12  # different sets of questions the synthetic attempts are given


class Command(BaseCommand):
    help = "Make N synthetic staff (scale.<n>@example.org) with completions, surveys and quiz attempts."

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
        draws = _draws(quiz, rng) if quiz else []
        items = list(SurveyItem.objects.filter(active=True))
        password = make_password(None)
        now = timezone.now()
        began = time.monotonic()
        for start in range(0, staff, BATCH):
            with transaction.atomic():
                self._batch(
                    User,
                    range(start, min(staff, start + BATCH)),
                    rng,
                    agencies,
                    core,
                    quiz,
                    draws,
                    items,
                    password,
                    now,
                )
        written = time.monotonic()
        rebuild_all()  # the report tallies, which rows written in bulk go round
        self._analyse()
        self.stdout.write(
            f"Made {staff} synthetic staff in {time.monotonic() - began:.0f} s "
            f"(rows {written - began:.0f} s, tallies and statistics {time.monotonic() - written:.0f} s)."
        )

    def _analyse(self):
        """Refresh the planner's statistics after a bulk load, as a real database's
        routine maintenance would, so that reports are timed against realistic plans."""
        models = [LearnerProfile, Enrolment, Completion, SurveySubmission, SurveyResponse, Attempt, Response]
        models += [PairMark, PairTally]
        models += [IndicatorMark, ColourMark]
        with connection.cursor() as cursor:
            for model in models:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")

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
            ("user_id", "agency_id", "job_role", "privacy_accepted_at"),
            ((pk, agency.pk, role, now) for pk, (agency, role, _) in profile_of.items()),
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
            self._attempts(write, rng, quiz, draws, completed)

    def _attempts(self, write, rng, quiz, draws, completed):
        """One first attempt per completion, given one of the draws (`_draws`) at random, each
        question answered right (the model answer) four times in five; what an attempt keeps
        of its questions (`Attempt.drawn`) and the JSON of every answer are made once per draw,
        not per row."""
        chosen = [rng.choice(draws) for _ in completed]
        attempt_ids = write.ids(Attempt, len(completed))
        write(
            Attempt,
            (
                "id",
                "learner_id",
                "quiz_id",
                "enrolment_id",
                "number",
                "drawn",
                "started_at",
                "submitted_at",
                "passed",
                "score",
            ),
            (
                (
                    a,
                    learner,
                    quiz.pk,
                    e,
                    1,
                    draw.drawn,
                    done - timedelta(minutes=20),
                    done,
                    True,
                    Decimal(rng.randint(70, 100)),
                )
                for a, (e, learner, _, _, done), draw in zip(attempt_ids, completed, chosen, strict=True)
            ),
        )
        answers = [
            (a, variant, rng.random() < 0.8)
            for a, draw in zip(attempt_ids, chosen, strict=True)
            for variant in draw.variants
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
            ((r, a, *mark) for r, (a, variant, right) in marked for mark in variant.indicators[right]),
        )
        write(
            ColourMark,
            ("response_id", "attempt_id", "band", "correct", "chosen"),
            ((r, a, *mark) for r, (a, variant, right) in marked for mark in variant.colours[right]),
        )


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
    """`DRAWS` sets of questions drawn from the quiz's pools as real attempts draw them (so an
    attempt answers a pool's count of its questions, not the whole bank), each with every
    question's stored version; the versions are made once, outside the batches."""
    snapshots = {snapshot["question_id"]: snapshot for snapshot in quiz_snapshots(quiz)}
    halves = {pk: split(snapshot) for pk, snapshot in snapshots.items()}
    stored = QuestionVersion.objects.store([(shared, pk) for pk, (shared, _) in halves.items()])
    versions = {pk: (version, halves[pk][1]) for pk, version in zip(halves, stored, strict=True)}
    bank = load_questions(quiz)
    return [
        _Draw([snapshots[question.pk] for question in in_order(choose(quiz, bank, rng), rng)], versions)
        for _ in range(DRAWS)
    ]


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


class _Variants:
    """One question answered right (its model answer) or wrong (left blank): the response's
    values and mark rows for each, worked out once for every attempt that answers it. Every
    answer refers to the question's one stored version, with the same part ids (synthetic
    attempts show the database's own)."""

    def __init__(self, position, snapshot, version, part_ids):
        self.position, self.snapshot, self.version = position, snapshot, version
        self.part_ids = json.dumps(part_ids)
        answers = {True: model_answer(snapshot), False: {}}
        self.answers = {right: json.dumps(answer) for right, answer in answers.items()}
        self.indicators = {right: marks.indicator_marks(snapshot, a) for right, a in answers.items()}
        self.colours = {right: marks.colour_marks(snapshot, a) for right, a in answers.items()}

    def response(self, right):
        """question, position, type, version, part ids, answer, score, points"""
        snapshot = self.snapshot
        return (
            snapshot["question_id"],
            self.position,
            snapshot["type"],
            self.version.pk,
            self.part_ids,
            self.answers[right],
            Decimal(1 if right else 0),
            snapshot["points"],
        )


class BulkWriter:
    """Writes rows of plain values straight into a model's table: PostgreSQL's COPY, or
    executemany elsewhere. Nothing is read back and no `save()` runs.

    Each row gives the named columns (attribute names, `learner_id`); every other column gets
    its field's default, or `now` for the times Django fills in on saving. JSON columns take
    JSON text, made once by the caller rather than once per row."""

    def __init__(self, now):
        self.now = now

    def __call__(self, model, columns, rows):
        fields = {field.attname: field for field in model._meta.concrete_fields}
        given = [fields[name] for name in columns]
        others = [field for name, field in fields.items() if name not in columns and not field.primary_key]
        filled = tuple(self._default(field) for field in others)
        table = connection.ops.quote_name(model._meta.db_table)
        names = ", ".join(connection.ops.quote_name(field.column) for field in [*given, *others])
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row + filled)
                return
            prepare = [self._preparer(field) for field in [*given, *others]]
            values = [[p(v) for p, v in zip(prepare, row + filled, strict=True)] for row in rows]
            if values:
                placeholders = ", ".join(["%s"] * len(prepare))
                cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", values)

    def _default(self, field):
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            return self.now
        value = field.get_default()
        return json.dumps(value) if isinstance(field, JSONField) else value

    @staticmethod
    def _preparer(field):
        """How a plain value is written by executemany: JSON is text already."""
        if isinstance(field, JSONField):
            return lambda value: value
        return lambda value: field.get_db_prep_save(value, connection)

    @staticmethod
    def ids(model, count):
        """`count` ids for new rows: from PostgreSQL's sequence (safe beside other writers), or
        after the highest id elsewhere (SQLite holds the write lock for the transaction)."""
        if connection.vendor == "postgresql":
            table, column = model._meta.db_table, model._meta.pk.column
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [table, column, count],
                )
                return [row[0] for row in cursor.fetchall()]
        highest = model.objects.aggregate(highest=Max("pk"))["highest"] or 0
        return list(range(highest + 1, highest + 1 + count))
