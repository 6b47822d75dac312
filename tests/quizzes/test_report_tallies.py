"""The "what staff miss" tallies against the raw records: after seeded random sequences of
writes (first attempts, retakes and knowledge checks at 23:30 and 00:30 around a month's end
in summer time and in winter, job-role changes on the profile and through an approved
change of agency, anonymisation, revoked certificates, deleted attempts and back-dated
attempts followed by a rebuild), every figure the report gives equals the figure counted
from the responses and marks (`tests.quizzes.raw_figures`), for every scope."""

import random
from datetime import date

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext

from certificates.models import Certificate
from cms.models import Agency
from courses import services as course_services
from courses.models import LearnerProfile
from courses.reports import Period
from privacy.anonymise import anonymise
from privacy.models import Anonymisation
from quizzes import reports, services, summaries
from quizzes.models import (
    ALL_JOB_ROLES,
    Attempt,
    AttemptTally,
    Quiz,
)
from quizzes.scoring import model_answer
from tests.factories import SAMPLE_QUESTIONS, make_course, make_learner, make_quiz, open_the_quiz
from tests.month_edges import EDGES, ROLES
from tests.quizzes import raw_figures
from workforce import board_pack

pytestmark = pytest.mark.django_db

MOMENTS = EDGES  # round London month ends (`tests.month_edges`)
PERIODS = [
    Period(date(2025, 3, 1), date(2025, 3, 31)),
    Period(date(2025, 4, 1), date(2025, 4, 30)),
    Period(date(2025, 11, 1), date(2025, 11, 30)),
    Period(date(2025, 12, 1), date(2025, 12, 31)),
    Period(date(2025, 1, 1), date(2025, 12, 31)),
]
FIGURES = ["people", "question_statistics", "missed_categories", "traffic_light_table", "by_agency"]


def answers_for(attempt, rng):
    return [model_answer(q) if rng.random() < 0.6 else {} for q in attempt.questions]


class World:
    """The learners and what the random writes can do to them."""

    def __init__(self, rng):
        self.rng = rng
        self.course = make_course(lessons=1, title="Tallied course")
        self.quiz = make_quiz(self.course, SAMPLE_QUESTIONS, pass_mark=60)
        Quiz.objects.filter(pk=self.quiz.pk).update(certainty=True, knowledge_check_size=3)
        self.quiz.refresh_from_db()
        self.other_course = make_course(lessons=1, title="Other tallied course")
        self.other_quiz = make_quiz(self.other_course, SAMPLE_QUESTIONS[:4], slug="other-tallied")
        self.learners = []

    def take(self):
        """A new learner takes a quiz at one of the moments: sometimes a knowledge check first,
        sometimes a retake after failing (neither counts)."""
        rng = self.rng
        learner = make_learner(rng.choice(["housing", "housing", "police"]), job_role=rng.choice(ROLES))
        course, quiz = rng.choice(
            [(self.course, self.quiz), (self.course, self.quiz), (self.other_course, self.other_quiz)]
        )
        with time_machine.travel(rng.choice(MOMENTS), tick=False):
            enrolment = course_services.enrol(learner, course)
            if quiz.knowledge_check_size and rng.random() < 0.5:
                check = services.start_check(learner, quiz)
                services.submit_attempt(check, answers_for(check, rng), [3] * len(check.questions))
            open_the_quiz(enrolment)
            attempt = services.start_attempt(learner, quiz)
            certainty = [rng.choice([1, 2, 3, 3]) for _ in attempt.questions]
            attempt = services.submit_attempt(attempt, answers_for(attempt, rng), certainty)
            if not attempt.passed and rng.random() < 0.5:
                retake = services.start_attempt(learner, quiz)
                services.submit_attempt(retake, [model_answer(q) for q in retake.questions])
        self.learners.append(learner)

    def change_role(self):
        profile = LearnerProfile.objects.get(user=self.rng.choice(self.learners))
        profile.job_role = ROLES[1 - ROLES.index(profile.job_role)]
        profile.save()

    def change_agency(self):
        learner = self.rng.choice(self.learners)
        role = self.rng.choice(ROLES)
        change = course_services.request_agency_change(learner, Agency.objects.get(code="police"), role)
        course_services.decide_agency_change(change, True, None)

    def anonymise(self):
        learner = self.rng.choice(self.learners)
        anonymise(learner, None, Anonymisation.Reason.REQUEST)

    def revoke(self):
        certificate = Certificate.objects.filter(revoked_at__isnull=True).order_by("?").first()
        if certificate is not None:
            certificate.revoked_at, certificate.revoked_reason = MOMENTS[-1], "Issued in error"
            certificate.save()

    def delete_attempt(self):
        attempt = Attempt.objects.filter(number=1, purpose="quiz").order_by("?").first()
        Attempt.objects.filter(enrolment=attempt.enrolment, number__gt=1).delete()
        attempt.delete()

    def back_date(self):
        """A back-dated import: attempts moved round the model layer, then recounted."""
        attempt = Attempt.objects.filter(number=1, purpose="quiz").order_by("?").first()
        Attempt.objects.filter(pk=attempt.pk).update(submitted_at=self.rng.choice(MOMENTS))
        call_command("rebuild_summaries", stdout=open("/dev/null", "w"))


def assert_tallies_match_the_raw_records(world):
    everyone = Agency.objects.filter(code__in=["housing", "police"])
    scopes = [Agency.objects.filter(code="housing"), everyone, Agency.objects.all()]
    for agencies in scopes:
        for period in PERIODS:
            assert board_pack.confidently_wrong_categories(
                agencies, period
            ) == raw_figures.confidently_wrong_categories(agencies, period, board_pack.TOP), period.label
            for course in (None, world.course):
                for job_role in (None, *ROLES):
                    args = (agencies, period, course, job_role)
                    for figure in FIGURES:
                        assert getattr(reports, figure)(*args) == getattr(raw_figures, figure)(*args), (
                            figure,
                            period.label,
                            course,
                            job_role,
                        )
                    for by in ("question", "category"):
                        assert reports.confidently_wrong(*args, by=by) == raw_figures.confidently_wrong(
                            *args, by=by
                        ), (by, period.label, course, job_role)


@pytest.mark.parametrize("seed", [1, 2])
def test_every_figure_equals_the_raw_records_after_random_writes(seed):
    rng = random.Random(seed)
    world = World(rng)
    for _ in range(14):
        world.take()
    assert_tallies_match_the_raw_records(world)
    operations = [
        world.take,
        world.take,
        world.change_role,
        world.change_agency,
        world.anonymise,
        world.revoke,
        world.delete_attempt,
        world.back_date,
    ]
    for _ in range(8):
        rng.choice(operations)()
    assert_tallies_match_the_raw_records(world)
    # Enough people that the figures are given, not only withheld.
    whole_year = (Agency.objects.filter(code__in=["housing", "police"]), PERIODS[-1])
    # (Against the raw records, not the world's own attempts: other tests' committed rows may
    # share the agencies and the year.)
    assert reports.people(*whole_year) == raw_figures.people(*whole_year) >= 10
    assert any(row["facility"] is not None for row in reports.question_statistics(*whole_year))


TALLIES = summaries.TALLIES


def tally_rows():
    """Every tally's cells with counts, as (cell, counts) rows; cells counted back to zero left out."""
    rows = {}
    for model in TALLIES:
        width = len(model.COUNTS)
        cells = model.objects.values_list(*model.unique_fields(), *model.COUNTS)
        rows[model.__name__] = sorted(row for row in cells if any(row[-width:]))
    return rows


def test_the_rebuild_gives_what_the_writes_kept_and_can_be_run_twice():
    world = World(random.Random(3))
    for _ in range(6):
        world.take()
    world.change_role()
    world.delete_attempt()
    kept = tally_rows()
    assert kept["AttemptTally"] and kept["AnswerTally"] and kept["IndicatorTally"] and kept["ColourTally"]
    call_command("rebuild_summaries", stdout=open("/dev/null", "w"))
    assert tally_rows() == kept
    call_command("rebuild_summaries", stdout=open("/dev/null", "w"))
    assert tally_rows() == kept


def test_upgrading_counts_the_attempts_made_before_the_tallies():
    """A site upgraded with attempts already made: the migration that adds the tallies counts
    them, so the figures are whole at once rather than empty until someone rebuilds them."""
    import importlib

    world = World(random.Random(4))
    for _ in range(6):
        world.take()
    kept = tally_rows()
    for model in TALLIES:
        model.objects.all().delete()  # as the tables are when the upgrade creates them
    assert not any(tally_rows().values())
    migration = importlib.import_module("quizzes.migrations.0017_every_job_role_tallies")
    migration.count_the_tallies(None, None)
    assert tally_rows() == kept
    assert_tallies_match_the_raw_records(world)


def test_the_month_is_the_london_month():
    """23:30 on 31 March 2025 is 22:30 UTC, in March; 00:30 on 1 April is 23:30 UTC on 31 March,
    in April; in winter 23:30 on 30 November is in November and 00:30 on 1 December in December."""
    world = World(random.Random(4))
    for _ in range(6):
        world.take()
    every_role = AttemptTally.objects.filter(job_role=ALL_JOB_ROLES)
    months = dict(every_role.values_list("month").annotate(n=Sum("attempts")).order_by())
    for moment, month in zip(MOMENTS, (3, 4, 11, 12), strict=True):
        raw = Attempt.objects.filter(purpose="quiz", number=1, submitted_at=moment).count()
        assert months.get(date(2025, month, 1), 0) == raw


def test_the_page_queries_do_not_grow_with_people():
    world = World(random.Random(5))
    agencies, period = Agency.objects.filter(code__in=["housing", "police"]), PERIODS[-1]

    def queries():
        with CaptureQueriesContext(connection) as captured:
            reports.figures(agencies, period)
        return len(captured)

    for _ in range(5):
        world.take()
    few = queries()
    for _ in range(10):
        world.take()
    assert queries() == few
