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
batches, each in its own transaction, so memory stays flat however many are asked for."""

import random
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from cms.models import Agency
from courses.models import (
    Completion,
    CoursePage,
    Enrolment,
    JobRole,
    LearnerProfile,
    SurveyItem,
    SurveyResponse,
    SurveySubmission,
)
from quizzes import marks
from quizzes.models import Attempt, ColourMark, IndicatorMark, QuestionVersion, Quiz, Response
from quizzes.scoring import model_answer
from quizzes.snapshots import quiz_snapshots, split

PREFIX = "scale."
BATCH = 2000
MOST_STAFF = 2_000_000
HISTORY_DAYS = 730  # enrolments start on any day of the last two years
LONGEST_COURSE_DAYS = 40


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
        questions = quiz_snapshots(quiz) if quiz else []
        halves = [split(snapshot) for snapshot in questions]
        versions = QuestionVersion.objects.store(
            [(shared, s["question_id"]) for s, (shared, _) in zip(questions, halves, strict=True)]
        )
        questions = [
            (snapshot, version, ids)
            for snapshot, version, (_, ids) in zip(questions, versions, halves, strict=True)
        ]
        items = list(SurveyItem.objects.filter(active=True))
        password = make_password(None)
        now = timezone.now()
        for start in range(0, staff, BATCH):
            with transaction.atomic():
                self._batch(
                    User,
                    range(start, min(staff, start + BATCH)),
                    rng,
                    agencies,
                    core,
                    quiz,
                    questions,
                    items,
                    password,
                    now,
                )
        self._analyse()
        self.stdout.write(f"Made {staff} synthetic staff.")

    def _analyse(self):
        """Refresh the planner's statistics after a bulk load, as a real database's
        routine maintenance would, so that reports are timed against realistic plans."""
        models = [LearnerProfile, Enrolment, Completion, SurveySubmission, SurveyResponse, Attempt, Response]
        models += [IndicatorMark, ColourMark]
        with connection.cursor() as cursor:
            for model in models:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")

    def _remove(self, User):
        users = User.objects.filter(username__startswith=PREFIX)
        Response.objects.filter(attempt__learner__in=users).delete()
        Attempt.objects.filter(learner__in=users).delete()
        Completion.objects.filter(learner__in=users).delete()
        Enrolment.objects.filter(learner__in=users).delete()
        users.delete()

    def _batch(self, User, numbers, rng, agencies, core, quiz, questions, items, password, now):
        write = BulkWriter(now)
        users = write(
            User,
            [
                User(
                    username=f"{PREFIX}{n}@example.org",
                    email=f"{PREFIX}{n}@example.org",
                    first_name="Scale",
                    last_name=str(n),
                    password=password,
                )
                for n in numbers
            ],
        )
        roles = [role for role, _ in JobRole.choices]
        profiles = [
            LearnerProfile(
                user=u, agency=rng.choice(agencies), job_role=rng.choice(roles[:-1]), privacy_accepted_at=now
            )
            for u in users
        ]
        write(LearnerProfile, profiles)
        agency_of = {p.user_id: p for p in profiles}
        enrolments = []
        for user in users:
            if rng.random() < 0.8:
                started_at = now - timedelta(
                    days=rng.randint(1, HISTORY_DAYS), minutes=rng.randrange(24 * 60)
                )
                done = started_at + timedelta(
                    days=rng.randint(0, LONGEST_COURSE_DAYS), hours=rng.randint(1, 9)
                )
                enrolments.append(
                    Enrolment(
                        learner=user,
                        course=core,
                        agency=agency_of[user.pk].agency,
                        started_at=started_at,
                        completed_at=done if rng.random() < 0.75 and done < now else None,
                    )
                )
        write(Enrolment, enrolments)
        snapshots = [snapshot for snapshot, _, _ in questions]
        completions, submissions, attempts = [], [], []
        for enrolment in enrolments:
            done = enrolment.completed_at
            if done:
                profile = agency_of[enrolment.learner_id]
                completions.append(
                    Completion(
                        enrolment=enrolment,
                        learner_id=enrolment.learner_id,
                        course=core,
                        agency=profile.agency,
                        agency_name=profile.agency.name,
                        job_role=profile.job_role,
                        job_role_label=profile.get_job_role_display(),
                        course_title=core.title,
                        completed_at=done,
                        expires_on=(done + timedelta(days=3 * 365)).date(),
                        quiz_score=Decimal(rng.randint(70, 100)),
                    )
                )
                submissions += [
                    SurveySubmission(enrolment=enrolment, phase="before", submitted_at=enrolment.started_at),
                    SurveySubmission(enrolment=enrolment, phase="after", submitted_at=done),
                ]
                if quiz:
                    attempts.append(
                        Attempt(
                            learner_id=enrolment.learner_id,
                            quiz=quiz,
                            enrolment=enrolment,
                            number=1,
                            questions=snapshots,
                            started_at=done - timedelta(minutes=20),
                            submitted_at=done,
                            passed=True,
                            score=Decimal(rng.randint(70, 100)),
                        )
                    )
        write(Completion, completions)
        write(SurveySubmission, submissions)
        by_enrolment = {}
        for submission in submissions:
            by_enrolment.setdefault(submission.enrolment_id, {})[submission.phase] = submission
        responses = []
        for enrolment_id, pair in by_enrolment.items():
            for item in items:
                before = rng.randint(1, 4)
                responses += [
                    SurveyResponse(
                        submission=pair["before"],
                        enrolment_id=enrolment_id,
                        item=item,
                        phase="before",
                        rating=before,
                    ),
                    SurveyResponse(
                        submission=pair["after"],
                        enrolment_id=enrolment_id,
                        item=item,
                        phase="after",
                        rating=min(5, before + rng.choice([0, 1, 1, 2])),
                    ),
                    SurveyResponse(
                        submission=pair["after"],
                        enrolment_id=enrolment_id,
                        item=item,
                        phase="retrospective",
                        rating=max(1, before - rng.choice([0, 0, 1])),
                    ),
                ]
        write(SurveyResponse, responses)
        attempts = write(Attempt, attempts)
        answers = []
        for attempt in attempts:
            for position, (snapshot, version, ids) in enumerate(questions, 1):
                right = rng.random() < 0.8
                answers.append(
                    Response(
                        attempt=attempt,
                        question_id=snapshot["question_id"],
                        position=position,
                        question_type=snapshot["type"],
                        version=version,
                        part_ids=ids,
                        answer=model_answer(snapshot) if right else {},
                        score=Decimal(1 if right else 0),
                        points=snapshot["points"],
                    )
                )
        answers = write(Response, answers)
        indicators, colours = marks.unsaved_marks(answers, IndicatorMark, ColourMark)
        write(IndicatorMark, indicators)
        write(ColourMark, colours)


class BulkWriter:
    """Writes unsaved model instances with the values they hold, ids included.

    Nothing is read back and no `save()` runs, so a field's `auto_now_add` does not replace
    the time the history chose; a field left empty that Django would fill on saving
    (`auto_now`/`auto_now_add`) gets `now`."""

    def __init__(self, now):
        self.now = now

    def __call__(self, model, objects):
        if not objects:
            return objects
        fields = model._meta.concrete_fields
        for obj, pk in zip(objects, self._ids(model, len(objects)), strict=True):
            obj.pk = pk
        rows = ([f.get_db_prep_save(self._value(obj, f), connection) for f in fields] for obj in objects)
        table = connection.ops.quote_name(model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks_ = ", ".join(["%s"] * len(fields))
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks_})", list(rows))
        return objects

    def _value(self, obj, field):
        value = getattr(obj, field.attname)
        if value is None and (getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)):
            value = self.now
        return value

    @staticmethod
    def _ids(model, count):
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
        return range(highest + 1, highest + 1 + count)
