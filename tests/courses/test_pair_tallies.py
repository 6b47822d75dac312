"""The confidence and knowledge tallies (`courses.pairs`) against the raw records: after seeded
random sequences of writes (completions with both surveys and quiz attempts with knowledge
checks at 23:30 and 00:30 around a month's end in summer time and in winter, people with
several completions in one month and across months, changes of job role and of agency,
anonymisation, revoked certificates, deleted attempts and completions, and back-dated
completions and attempts followed by a rebuild), every figure read from the tallies equals the
figure counted from the records (`confidence_counts`, `knowledge_counts`), for one agency and
for all of them, with and without a course and a job role, over several whole-month periods."""

import importlib
import random
from datetime import date

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from certificates.models import Certificate
from cms.models import Agency
from courses import pairs, reports
from courses import services as course_services
from courses.models import Completion, LearnerProfile, PairMark, PairTally, SurveyItem
from courses.reports import Period
from privacy.anonymise import anonymise
from privacy.models import Anonymisation
from quizzes import reports as quiz_reports
from quizzes import services as quiz_services
from quizzes.models import Attempt, Quiz
from quizzes.scoring import model_answer
from tests.factories import SAMPLE_QUESTIONS, finish_lessons, make_course, make_learner, make_quiz
from tests.month_edges import (
    END_OF_MARCH,
    END_OF_NOVEMBER,
    MID_APRIL,
    MID_MARCH,
    ROLES,
    START_OF_APRIL,
    START_OF_DECEMBER,
)

pytestmark = pytest.mark.django_db

# Round London month ends (`tests.month_edges`), and the middle of March and April.
MOMENTS = [MID_MARCH, END_OF_MARCH, START_OF_APRIL, MID_APRIL, END_OF_NOVEMBER, START_OF_DECEMBER]
PERIODS = [
    Period(date(2025, 3, 1), date(2025, 3, 31)),
    Period(date(2025, 4, 1), date(2025, 4, 30)),
    Period(date(2025, 3, 1), date(2025, 4, 30)),
    Period(date(2025, 11, 1), date(2025, 11, 30)),
    Period(date(2025, 12, 1), date(2025, 12, 31)),
    Period(date(2025, 1, 1), date(2025, 12, 31)),
]


class World:
    """Two plain courses and two with a quiz and a knowledge check; the learners, and what the
    random writes can do to them."""

    def __init__(self, rng):
        self.rng = rng
        self.items = list(SurveyItem.objects.filter(active=True))
        assert len(self.items) >= 2
        self.plain = [make_course(lessons=1, title=f"Paired course {n}") for n in range(2)]
        self.quizzed = []
        for n in range(2):
            course = make_course(lessons=1, title=f"Paired quiz course {n}")
            quiz = make_quiz(course, SAMPLE_QUESTIONS, pass_mark=50, slug=f"paired-{n}-{rng.random()}")
            Quiz.objects.filter(pk=quiz.pk).update(knowledge_check_size=3)
            self.quizzed.append(course)
        self.learners = []

    def ratings(self, phase):
        """Random ratings of some of the items (a missing one leaves its pair out)."""
        items = [item for item in self.items if self.rng.random() < 0.85] or self.items[:1]
        triples = [(item, phase, self.rng.randint(1, 5)) for item in items]
        if phase == "after":
            triples += [
                (item, "retrospective", self.rng.randint(1, 5)) for item in items if self.rng.random() < 0.7
            ]
        return triples

    def answers(self, attempt):
        return [model_answer(q) if self.rng.random() < 0.6 else {} for q in attempt.questions]

    def take(self):
        """A learner (new, or one who already finished another course: several completions in
        one month or across months) does a course at one of the moments."""
        rng = self.rng
        courses = self.plain + self.quizzed
        learner = rng.choice(self.learners) if self.learners and rng.random() < 0.4 else None
        if learner is not None:
            courses = [
                c for c in courses if not Completion.objects.filter(learner=learner, course=c).exists()
            ]
        if learner is None or not courses:
            learner = make_learner(rng.choice(["housing", "housing", "police"]), job_role=rng.choice(ROLES))
            self.learners.append(learner)
            courses = self.plain + self.quizzed
        course = rng.choice(courses)
        with time_machine.travel(rng.choice(MOMENTS), tick=False):
            enrolment = course_services.enrol(learner, course)
            quiz = Quiz.objects.filter(course=course).first()
            if quiz and rng.random() < 0.75:
                check = quiz_services.start_check(learner, quiz)
                quiz_services.submit_attempt(check, self.answers(check))
            course_services.submit_survey(enrolment, "before", self.ratings("before"))
            finish_lessons(enrolment)
            if quiz:
                attempt = quiz_services.start_attempt(learner, quiz)
                attempt = quiz_services.submit_attempt(attempt, self.answers(attempt))
                if not attempt.passed:
                    retake = quiz_services.start_attempt(learner, quiz)
                    quiz_services.submit_attempt(retake, [model_answer(q) for q in retake.questions])
            course_services.submit_survey(enrolment, "after", self.ratings("after"))

    def change_role(self):
        profile = LearnerProfile.objects.get(user=self.rng.choice(self.learners))
        profile.job_role = ROLES[1 - ROLES.index(profile.job_role)]
        profile.save()

    def change_agency(self):
        learner = self.rng.choice(self.learners)
        moving_to = (
            "police" if LearnerProfile.objects.get(user=learner).agency.code == "housing" else "housing"
        )
        change = course_services.request_agency_change(
            learner, Agency.objects.get(code=moving_to), self.rng.choice(ROLES)
        )
        course_services.decide_agency_change(change, True, None)

    def anonymise(self):
        anonymise(self.rng.choice(self.learners), None, Anonymisation.Reason.REQUEST)

    def revoke(self):
        certificate = Certificate.objects.filter(revoked_at__isnull=True).order_by("?").first()
        if certificate is not None:
            certificate.revoked_at, certificate.revoked_reason = MOMENTS[-1], "Issued in error"
            certificate.save()

    def delete_attempt(self):
        attempt = Attempt.objects.filter(number=1, purpose="quiz", enrolment__completion__isnull=True)
        attempt = (
            attempt.order_by("?").first() or Attempt.objects.filter(purpose="check").order_by("?").first()
        )
        if attempt is not None:
            Attempt.objects.filter(enrolment=attempt.enrolment, number__gt=1, purpose="quiz").delete()
            attempt.delete()

    def delete_completion(self):
        completion = Completion.objects.filter(certificate__isnull=True).order_by("?").first()
        if completion is not None:
            completion.delete()

    def back_date(self):
        """A back-dated import: a completion and an attempt moved round the model layer, then
        everything recounted."""
        moment = self.rng.choice(MOMENTS)
        Completion.objects.filter(pk=Completion.objects.order_by("?").first().pk).update(completed_at=moment)
        attempt = Attempt.objects.filter(number=1, purpose="quiz").order_by("?").first()
        Attempt.objects.filter(pk=attempt.pk).update(submitted_at=self.rng.choice(MOMENTS))
        call_command("rebuild_summaries", stdout=open("/dev/null", "w"))


SCOPES = [lambda: Agency.objects.filter(code="housing"), lambda: Agency.objects.all()]


def assert_tallies_match_the_raw_records(world):
    for scope in SCOPES:
        agencies = scope()
        for period in PERIODS:
            assert pairs.tallied_scope(agencies, period) is not None  # the tallies are read, not the records
            for course in (None, world.plain[0], world.quizzed[0]):
                for job_role in (None, *ROLES):
                    args = (agencies, period, course, job_role)
                    where = (agencies.count(), period.label, course, job_role)
                    counted = reports.confidence_counts(*args)
                    assert reports.confidence(*args) == reports.confidence_from(agencies, counted), where
                    assert reports.surveyed_people(*args) == sum(counted[2].values()), where
                    counted = quiz_reports.knowledge_counts(*args)
                    assert quiz_reports.knowledge(*args) == quiz_reports.knowledge_from(agencies, counted), (
                        where
                    )
                    assert (
                        quiz_reports.knowledge_people(*args) == quiz_reports.knowledge_pairs(*args).count()
                    ), where


@pytest.mark.parametrize("seed", [1, 2])
def test_every_figure_equals_the_raw_records_after_random_writes(seed):
    rng = random.Random(seed)
    world = World(rng)
    for _ in range(22):
        world.take()
    assert_tallies_match_the_raw_records(world)
    operations = [
        world.take,
        world.take,
        world.take,
        world.change_role,
        world.change_agency,
        world.anonymise,
        world.revoke,
        world.delete_attempt,
        world.delete_completion,
        world.back_date,
    ]
    for _ in range(12):
        rng.choice(operations)()
    assert_tallies_match_the_raw_records(world)
    # Enough people that figures are given, not only withheld (counted against the records).
    everyone, year = Agency.objects.all(), PERIODS[-1]
    assert (
        reports.surveyed_people(everyone, year)
        == sum(reports.confidence_counts(everyone, year)[2].values())
        >= 10
    )
    assert not reports.confidence(everyone, year)["overall"].suppressed
    assert quiz_reports.knowledge_people(everyone, year) >= 5


def test_the_latest_record_is_the_latest_by_time_then_id():
    """A person who finished two courses in one month counts once, with the later completion,
    even when its id is the smaller one; at the same moment the larger id is the later."""
    world = World(random.Random(3))
    learner = make_learner("housing")
    world.learners.append(learner)
    for course, moment in ((world.plain[0], MOMENTS[3]), (world.plain[1], MOMENTS[0])):
        with time_machine.travel(moment, tick=False):
            enrolment = course_services.enrol(learner, course)
            course_services.submit_survey(enrolment, "before", [(world.items[0], "before", 1)])
            finish_lessons(enrolment)
            rating = 5 if course == world.plain[0] else 2
            course_services.submit_survey(enrolment, "after", [(world.items[0], "after", rating)])
    housing, march_april = Agency.objects.filter(code="housing"), PERIODS[2]
    counted = reports.confidence_counts(housing, march_april)
    assert counted[2] == {(1.0, 5.0): 1}  # the April completion, made first (smaller id)
    assert reports.surveyed_people(housing, march_april) == 1
    assert reports.confidence(housing, march_april) == reports.confidence_from(housing, counted)
    # March alone: the March completion is her latest there.
    assert reports.confidence_counts(housing, PERIODS[0])[2] == {(1.0, 2.0): 1}
    assert reports.surveyed_people(housing, PERIODS[0]) == 1
    # Moved to the same moment: the larger id is the later.
    Completion.objects.filter(learner=learner).update(completed_at=MOMENTS[0])
    pairs.recount([learner.pk])
    later = Completion.objects.filter(learner=learner).order_by("-pk").first()
    expected = (1.0, 5.0 if later.course_id == world.plain[0].pk else 2.0)
    assert reports.confidence_counts(housing, PERIODS[0])[2] == {expected: 1}
    assert reports.confidence(housing, PERIODS[0]) == reports.confidence_from(
        housing, reports.confidence_counts(housing, PERIODS[0])
    )


def tally_rows():
    """Every tally cell with people, and every mark."""
    cells = PairTally.objects.exclude(people=0).values_list(*PairTally.CELL, "people")
    marks = PairMark.objects.values_list("measure", "source", "learner", "month", "following", "pairs")
    return sorted(cells), sorted(marks, key=repr)


def test_the_rebuild_gives_what_the_writes_kept_and_can_be_run_twice():
    world = World(random.Random(4))
    for _ in range(10):
        world.take()
    world.change_role()
    world.delete_attempt()
    kept = tally_rows()
    # Every measure has marks, the training numbers' too (this world holds no sessions).
    assert kept[0] and {m[0] for m in kept[1]} == set(pairs.MEASURES) - {"trained_session"}
    call_command("rebuild_summaries", stdout=open("/dev/null", "w"))
    assert tally_rows() == kept
    call_command("rebuild_summaries", stdout=open("/dev/null", "w"))
    assert tally_rows() == kept


def test_upgrading_counts_the_records_made_before_the_tallies():
    world = World(random.Random(5))
    for _ in range(8):
        world.take()
    kept = tally_rows()
    PairTally.objects.all().delete()
    PairMark.objects.all().delete()  # as the tables are when the upgrade creates them
    migration = importlib.import_module("courses.migrations.0022_trained_by_mode_tallies")
    migration.count_the_tallies(None, None)
    assert tally_rows() == kept
    assert_tallies_match_the_raw_records(world)


def test_the_month_is_the_london_month():
    """23:30 on 31 March 2025 (22:30 UTC) is in March, 00:30 on 1 April (23:30 UTC on 31 March)
    in April; in winter 23:30 on 30 November is in November and 00:30 on 1 December in December."""
    world = World(random.Random(6))
    for _ in range(12):
        world.take()
    everyone = Agency.objects.all()
    months = (PERIODS[0], PERIODS[1], PERIODS[3], PERIODS[4])  # March, April, November, December
    for moment, period in zip(MOMENTS[1:3] + MOMENTS[4:], months, strict=True):
        raw = Completion.objects.filter(completed_at=moment, enrolment__surveys__phase="after")
        marks = PairMark.objects.filter(measure="confidence", source__in=raw.values("pk"))
        assert {mark.month for mark in marks} <= {period.start}
        assert marks.count() == raw.count()
        assert reports.surveyed_people(everyone, period) == sum(
            reports.confidence_counts(everyone, period)[2].values()
        )


def test_a_set_of_several_agencies_is_counted_from_the_records():
    """Housing and police but not every agency: a person who moved between them must count
    once, which the per-agency tallies cannot say, so the records are read."""
    world = World(random.Random(7))
    for _ in range(10):
        world.take()
    two = Agency.objects.filter(code__in=["housing", "police"])
    year = PERIODS[-1]
    assert Agency.objects.count() > 2 and pairs.tallied_scope(two, year) is None
    assert reports.confidence(two, year) == reports.confidence_from(two, reports.confidence_counts(two, year))


def test_the_report_queries_do_not_grow_with_people():
    world = World(random.Random(8))
    everyone, year = Agency.objects.all(), PERIODS[-1]

    def queries():
        with CaptureQueriesContext(connection) as captured:
            reports.confidence(everyone, year)
            reports.surveyed_people(everyone, year, world.plain[0])
            quiz_reports.knowledge(everyone, year)
            quiz_reports.knowledge_people(everyone, year, None, "housing")
        return len(captured)

    for _ in range(4):
        world.take()
    few = queries()
    for _ in range(12):
        world.take()
    # Each figure: one query for the scope and one for the tallies; confidence and knowledge
    # also read the agencies' names, confidence the survey items' (4 + 2 + 3 + 2).
    assert queries() == few == 11
