"""Staff progress read from its state marks and tallies (`workforce.standing`) equals staff
progress counted from the records (`workforce.states`), on today and on later days (when
completions expire, refreshers fall due and people become stuck with nothing written), after
random sequences of the writes that change a state: besides coverage's writes
(`test_coverage_tallies.Writes`: completions, staff lists, returns, moves, new emails,
anonymisation), enrolments started and withdrawn, lessons opened and finished, surveys,
courses finished, accounts made for a listed email, renamed and deleted. And the marks and
tallies the writes kept equal a rebuild from nothing."""

import random
from collections import Counter
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cms.dates import add_months
from cms.models import Agency
from courses import services
from courses.models import Completion, Enrolment, LessonPage, SurveySubmission
from tests.factories import make_learner
from tests.month_edges import ROLES
from tests.workforce.helpers import complete
from tests.workforce.test_coverage_tallies import CODES, Writes, from_records, kept_cells
from training.models import ReturnAttendee
from workforce import standing, states, tallies
from workforce.coverage import required_courses
from workforce.models import StaffListEntry, StateMark

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
# Today, and the day before and the day someone active today is stuck.
SOON = [TODAY, TODAY + timedelta(days=13), TODAY + timedelta(days=14)]


def turning_days():
    """The days on which someone's state turns with nothing written, from the records: for each
    expiry day e of a completion or of single-agency training, e - 61 (still completed), e - 60
    (a refresher due), e (the last day held) and e + 1 (overdue), from today on."""
    expiries = set(Completion.objects.values_list("expires_on", flat=True))
    for delivered, months in ReturnAttendee.objects.values_list(
        "training_return__delivered_on", "training_return__course__refresher_months"
    ):
        expiries.add(add_months(delivered, months))
    days = {e + timedelta(days=n) for e in expiries for n in (-61, -60, 0, 1)}
    return sorted(day for day in days if day > SOON[-1])


class LearningWrites(Writes):
    """Coverage's writes, and the learning that moves people between states."""

    made = 0

    def register(self):
        """As coverage's, numbered by people made rather than people left (some are deleted)."""
        self.made += 1
        role = self.rng.choice(ROLES)
        self.people.append(
            make_learner(self.rng.choice(CODES), email=f"Learning.{self.made}@Example.org", job_role=role)
        )

    def enrol(self):
        person = self.rng.choice(self.people)
        agency = Agency.objects.get(code=self.rng.choice(CODES))
        try:
            services.enrol(person, self.rng.choice(self.courses(agency.code)))
        except services.JourneyError:
            pass

    def _open_enrolment(self):
        return Enrolment.objects.filter(completed_at__isnull=True).order_by("?").first()

    def open_lesson(self):
        enrolment = self._open_enrolment()
        if enrolment is not None:
            lessons = list(LessonPage.objects.child_of(enrolment.course).live())
            services.open_lesson(enrolment, self.rng.choice(lessons))

    def finish_lesson(self):
        enrolment = self._open_enrolment()
        if enrolment is not None:
            lesson = LessonPage.objects.child_of(enrolment.course).live().first()
            services.open_lesson(enrolment, lesson)
            try:
                services.complete_lesson(enrolment, lesson)
            except services.JourneyError:
                pass

    def survey(self):
        enrolment = self._open_enrolment()
        if enrolment is not None:
            SurveySubmission.objects.get_or_create(
                enrolment=enrolment, phase=self.rng.choice(["before", "after"])
            )

    def finish_course(self):
        enrolment = self._open_enrolment()
        if enrolment is not None:
            with transaction.atomic():
                services.record_completion(services.lock(enrolment), timezone.now())

    def withdraw(self):
        enrolment = (
            Enrolment.objects.filter(completed_at__isnull=True, quiz_attempts__isnull=True)
            .order_by("?")
            .first()
        )
        if enrolment is not None:
            enrolment.delete()

    def rename(self):
        person = self.rng.choice(self.people)
        person.refresh_from_db()
        person.first_name = self.rng.choice(["Ada", "Zoe", "Bea"])
        person.save()

    def account_for_listed(self):
        """Someone on a staff list gets an account (an administrator makes it, no profile)."""
        taken = {
            name.lower()
            for pair in get_user_model().objects.values_list("email", "username")
            for name in pair
        }
        entry = StaffListEntry.objects.exclude(email__in=taken).order_by("?").first()
        if entry is not None:
            get_user_model().objects.create_user(username=entry.email, email=entry.email.upper())

    def delete_account(self):
        person = self.rng.choice(self.people)
        self.people.remove(person)
        person.delete()
        if not self.people:
            self.register()


def kept_marks():
    return Counter(StateMark.objects.values_list(*standing.COLUMNS))


def assert_kept_as_rebuilt():
    """The marks and tallies the writes kept are those a rebuild from nothing counts (undone)."""
    kept = kept_marks(), kept_cells()
    with transaction.atomic():
        tallies.rebuild()
        rebuilt = kept_marks(), kept_cells()
        transaction.set_rollback(True)
    assert kept == rebuilt


def everything(agencies, filters, day):
    everyone = standing.Everyone(agencies, filters, day)
    listed = everyone[0 : everyone.count()]
    page = everyone[2:5]
    batched = [row for batch in everyone.batches() for row in batch]
    return everyone.marked, everyone.count(), everyone.counts, listed, page, batched


def check(agencies):
    housing = next(agency for agency in agencies if agency.code == "housing")
    choices = [
        states.Filters(),
        states.Filters(job_role="manager"),
        states.Filters(team="north"),
        states.Filters(job_role="housing", team="SOUTH"),
    ]
    each_state = [states.Filters(state=key) for key in (*states.STATES, "stuck")]
    asked = [(agencies, filters) for filters in choices] + [([housing], states.Filters())]
    days = [(day, asked + [(agencies, filters) for filters in each_state]) for day in SOON]
    days += [(day, [(agencies, states.Filters())]) for day in turning_days()]
    assert len(days) > len(SOON)  # completions that expire from today on
    for day, questions in days:
        for of, filters in questions:
            marked, *tallied = everything(of, filters, day)
            counted, *recorded = from_records(lambda a=of, f=filters, d=day: everything(a, f, d))
            assert marked and not counted  # one from the marks, one from the records
            assert tallied == recorded, (day, filters)
            assert tallied[0] == len(tallied[2])  # the pager's count is the list's length


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_writes_keep_staff_progress_from_its_marks_equal_to_the_records(seed):
    rng = random.Random(seed)
    writes = LearningWrites(rng)
    agencies = list(Agency.objects.filter(code__in=CODES).order_by("pk"))
    assert tallies.up_to_date(required_courses(agencies))
    for _ in range(6):
        writes.register()
    steps = [
        writes.complete,
        writes.forget_completion,
        writes.apply_list,
        writes.edit_entry,
        writes.training_return,
        writes.move,
        writes.new_email,
        writes.register,
        writes.anonymise,
        writes.enrol,
        writes.enrol,
        writes.open_lesson,
        writes.finish_lesson,
        writes.survey,
        writes.finish_course,
        writes.withdraw,
        writes.rename,
        writes.account_for_listed,
        writes.delete_account,
    ]
    for step in range(40):
        rng.choice(steps)()
        assert_kept_as_rebuilt()
        if step % 20 == 19:
            check(agencies)
    found = Counter(StateMark.objects.values_list("state", flat=True))
    assert len(found) >= 3, found  # the writes put people in several states


def test_a_state_changes_with_the_day_and_nothing_written():
    """Marks made today say tomorrow's states: a completion expiring in 30 days is a refresher
    due now and overdue on the 31st day; an enrolment last touched today is stuck in 14 days."""
    agencies = list(Agency.objects.filter(code="housing"))
    housing = agencies[0]
    done = make_learner("housing", email="done@example.org", first_name="Done")
    going = make_learner("housing", email="going@example.org", first_name="Going")
    for course in required_courses(agencies)[housing.pk]:
        complete(done, course, housing, timezone.now(), expires_on=TODAY + timedelta(days=30))
    services.enrol(going, required_courses(agencies)[housing.pk][0])

    def state_of(email, day):
        everyone = standing.Everyone(agencies, states.Filters(), day)
        assert everyone.marked
        return next(row["state"] for row in everyone[0:10] if row["email"] == email), everyone.counts

    assert state_of("done@example.org", TODAY)[0] == states.REFRESHER_DUE
    assert state_of("done@example.org", TODAY + timedelta(days=30))[0] == states.REFRESHER_DUE
    assert state_of("done@example.org", TODAY + timedelta(days=31))[0] == states.OVERDUE
    assert state_of("going@example.org", TODAY + timedelta(days=13))[1]["stuck"] == 0
    assert state_of("going@example.org", TODAY + timedelta(days=14))[1]["stuck"] == 1
    counts = state_of("done@example.org", TODAY + timedelta(days=31))[1]
    assert (counts[states.OVERDUE], counts[states.IN_PROGRESS], counts["stuck"]) == (1, 1, 1)


def test_staff_progress_reads_the_records_while_a_course_waits_to_be_counted(
    django_capture_on_commit_callbacks,
):
    agencies = list(Agency.objects.filter(code__in=CODES))
    housing = Agency.objects.get(code="housing")
    module = required_courses([housing])[housing.pk][-1]
    with django_capture_on_commit_callbacks(execute=False) as waiting:
        module.unpublish()
    assert not standing.Everyone(agencies, states.Filters(), TODAY).marked
    for callback in waiting:
        callback()
    assert standing.Everyone(agencies, states.Filters(), TODAY).marked


def test_a_lesson_opened_makes_a_stuck_learner_active_again(django_assert_num_queries):
    """Opening a lesson is written round the model's signals (`courses.services.open_lesson`):
    the first lesson opened on a day counts her again, a later one costs one query."""
    agencies = list(Agency.objects.filter(code="housing"))
    course = required_courses(agencies)[agencies[0].pk][0]
    person = make_learner("housing", email="back@example.org")
    enrolment = services.enrol(person, course)
    Enrolment.objects.filter(pk=enrolment.pk).update(started_at=timezone.now() - timedelta(days=20))
    tallies.rebuild()  # written round the model layer, as `rebuild_summaries` says

    def stuck():
        return standing.Everyone(agencies, states.Filters(state="stuck"), TODAY).count()

    assert stuck() == 1
    first, second = LessonPage.objects.child_of(course).live()[:2]
    services.open_lesson(enrolment, first)
    assert stuck() == 0
    assert StateMark.objects.get(email="back@example.org", stuck=True).start == TODAY + timedelta(days=14)
    with django_assert_num_queries(2):  # the row (nothing if opened before) and the check
        services.open_lesson(enrolment, second)
