"""Large synthetic data for benchmarks: N staff across the agencies, with completions,
survey answers and quiz attempts, written in bulk (it does not go through the journey's
rules, which are tested elsewhere). Marked so it can be removed again.

The history is spread over two years: enrolments start on any day of the last 730, and a
completion, its "after" survey and its quiz attempt come up to 40 days after the start and
never after now. The timestamps Django fills in on creation (`auto_now_add`) are written
again with an update after each bulk insert, since the insert itself overwrites them."""

import random
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
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
from quizzes.models import Attempt, ColourMark, IndicatorMark, Quiz, Response
from quizzes.scoring import model_answer
from quizzes.snapshots import quiz_snapshots

PREFIX = "scale."
BATCH = 2000
HISTORY_DAYS = 730  # enrolments start on any day of the last two years
LONGEST_COURSE_DAYS = 40


class Command(BaseCommand):
    help = "Make N synthetic staff (scale.<n>@example.org) with completions, surveys and quiz attempts."

    def add_arguments(self, parser):
        parser.add_argument("--staff", type=int, required=True)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--remove", action="store_true", help="Remove earlier synthetic staff first.")

    def handle(self, *args, staff, seed, remove, **options):
        if not 1 <= staff <= 200_000:
            raise CommandError("--staff must be between 1 and 200000.")
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
        users = User.objects.bulk_create(
            User(
                username=f"{PREFIX}{n}@example.org",
                email=f"{PREFIX}{n}@example.org",
                first_name="Scale",
                last_name=str(n),
                password=password,
            )
            for n in numbers
        )
        roles = [role for role, _ in JobRole.choices]
        profiles = [
            LearnerProfile(
                user=u, agency=rng.choice(agencies), job_role=rng.choice(roles[:-1]), privacy_accepted_at=now
            )
            for u in users
        ]
        LearnerProfile.objects.bulk_create(profiles)
        agency_of = {p.user_id: p for p in profiles}
        started = [u for u in users if rng.random() < 0.8]
        enrolments = _create_keeping_times(
            Enrolment,
            (
                Enrolment(
                    learner=u,
                    course=core,
                    agency=agency_of[u.pk].agency,
                    started_at=now
                    - timedelta(days=rng.randint(1, HISTORY_DAYS), minutes=rng.randint(0, 24 * 60 - 1)),
                )
                for u in started
            ),
            "started_at",
        )
        completions, submissions, attempts = [], [], []
        for enrolment in enrolments:
            done = enrolment.started_at + timedelta(
                days=rng.randint(0, LONGEST_COURSE_DAYS), hours=rng.randint(1, 9)
            )
            if rng.random() < 0.75 and done < now:
                profile = agency_of[enrolment.learner_id]
                enrolment.completed_at = done
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
                            questions=questions,
                            started_at=done - timedelta(minutes=20),
                            submitted_at=done,
                            passed=True,
                            score=Decimal(rng.randint(70, 100)),
                        )
                    )
        Enrolment.objects.bulk_update([c.enrolment for c in completions], ["completed_at"], batch_size=BATCH)
        Completion.objects.bulk_create(completions)
        _create_keeping_times(SurveySubmission, submissions, "submitted_at")
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
        SurveyResponse.objects.bulk_create(responses, batch_size=5000)
        attempts = _create_keeping_times(Attempt, attempts, "started_at")
        answers = []
        for attempt in attempts:
            for position, snapshot in enumerate(questions, 1):
                right = rng.random() < 0.8
                answers.append(
                    Response(
                        attempt=attempt,
                        question_id=snapshot["question_id"],
                        position=position,
                        question_type=snapshot["type"],
                        snapshot=snapshot,
                        answer=model_answer(snapshot) if right else {},
                        score=Decimal(1 if right else 0),
                        points=snapshot["points"],
                    )
                )
        marks.record(Response.objects.bulk_create(answers, batch_size=5000))



def _create_keeping_times(model, objects, field):
    """bulk_create `objects`, then write back the times chosen for `field`, which the insert
    replaced with now (`auto_now_add` fills the field in on every insert)."""
    objects = list(objects)
    chosen = [getattr(obj, field) for obj in objects]
    created = model.objects.bulk_create(objects, batch_size=BATCH)
    for obj, value in zip(created, chosen, strict=True):
        setattr(obj, field, value)
    model.objects.bulk_update(created, [field], batch_size=BATCH)
    return created
