"""Where a learner stands on each course, worked out in a fixed number of queries however
many courses, lessons and past completions there are. The course page and My learning
share this, so they always agree."""

import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone
from wagtail import hooks

from courses import activities
from courses.models import (
    Completion,
    CoursePage,
    DeliveryMode,
    Enrolment,
    LessonPage,
    LessonProgress,
    SurveyResponse,
    SurveySubmission,
)
from courses.services import CONFIDENCE_SCALE, refresher_due, try_complete

COMPLETION_EXTRA_HOOK = "register_completion_extra"


@dataclass(frozen=True)
class CompletionExtra:
    """What an app built on courses shows beside each completion, offered through Wagtail's
    hook registry (a function registered for `COMPLETION_EXTRA_HOOK` returns one): the
    certificates app adds the download link and code.

    `attach` loads its details onto every completion of a list at once, in a fixed number of
    queries. The templates render one completion (`completion`, `journey` in context):
    `learner_template` on the learner's course card, `staff_template` in the certificate
    column of a lead's staff record; either may be empty."""

    attach: Callable[[list[Completion]], None]
    learner_template: str = ""
    staff_template: str = ""


def completion_extras() -> list[CompletionExtra]:
    return [hook() for hook in hooks.get_hooks(COMPLETION_EXTRA_HOOK)]


@dataclass
class ConfidenceChange:
    before: float
    after: float
    improved: int
    items: int

    @property
    def before_label(self):
        return CONFIDENCE_SCALE[round(self.before) - 1]

    @property
    def after_label(self):
        return CONFIDENCE_SCALE[round(self.after) - 1]


@dataclass
class Journey:
    course: CoursePage
    lessons: list
    enrolment: Enrolment | None = None
    done_lesson_ids: set = field(default_factory=set)
    surveys: set = field(default_factory=set)
    completions: list = field(default_factory=list)  # newest first
    activity_status: dict = field(default_factory=dict)  # code -> (done, url) for other apps
    confidence: dict = field(default_factory=dict)  # enrolment id -> ConfidenceChange
    # On a journey that could be started: the course it requires first (or None), and which
    # of the learner's prerequisites she has completed (ids of courses).
    prerequisite: CoursePage | None = None
    completed_prerequisites: set = field(default_factory=set)

    @property
    def latest_completion(self):
        return self.completions[0] if self.completions else None

    @property
    def is_open(self):
        return self.enrolment is not None and self.enrolment.completed_at is None

    @property
    def state(self):
        if self.is_open:
            return "in_progress"
        if self.latest_completion is not None:
            return "refresher_due" if refresher_due(self.latest_completion) else "completed"
        return "not_started"

    @property
    def state_label(self):
        return {
            "not_started": "Not started",
            "in_progress": "In progress",
            "completed": "Completed",
            "refresher_due": "Refresher due",
        }[self.state]

    @property
    def lessons_done(self):
        return len([lesson for lesson in self.lessons if lesson.pk in self.done_lesson_ids])

    @property
    def prerequisite_met(self):
        return self.prerequisite is None or self.prerequisite.pk in self.completed_prerequisites

    def _pending(self, activity):
        """(label, url) of `activity` if it is still to do, else None."""
        if activity.code in ("before_survey", "after_survey"):
            phase = activity.code.removesuffix("_survey")
            if phase in self.surveys:
                return None
            return f"Answer the “{phase}” survey", reverse("courses:survey", args=[self.enrolment.pk, phase])
        done, url = self.activity_status.get(activity.code, (True, None))
        return None if done else (activity.label, url)

    def before_lessons_step(self):
        """(label, url) of the first activity still to do before the lessons, or None."""
        if not self.is_open:
            return None
        required = self.course.required_activities
        for activity in activities.before_lessons():
            if activity.code in required and (step := self._pending(activity)):
                return step
        return None

    def next_step(self):
        """(label, url) of what the learner should do next on an open enrolment: the activities
        that come before the lessons, the lessons, the other activities, then the last ones."""
        if not self.is_open:
            return None
        step = self.before_lessons_step()
        if step:
            return step
        for lesson in self.lessons:
            if lesson.pk not in self.done_lesson_ids:
                return f"Continue: {lesson.title}", lesson.url
        required = self.course.required_activities
        rest = [a for a in activities.all_activities() if a.code in required and not a.before_lessons]
        for activity in sorted(rest, key=lambda a: a.comes_last):
            if activity.code != "lessons" and (step := self._pending(activity)):
                return step
        return None


def journeys(
    user, courses: Iterable[CoursePage], lessons: Iterable[LessonPage] | None = None, agencies=None
) -> dict[int, Journey]:
    """{course id: Journey} for `user` on each of `courses`; `lessons` may be passed in when
    the caller has them already. With `agencies` (a lead's view), only the enrolments and
    completions made in those agencies count."""
    courses = list(courses)
    by_path = {course.path: Journey(course=course, lessons=[]) for course in courses}
    if not courses:
        return {}
    if lessons is None:
        # Courses are children of the one course index: its lessons are its grandchildren.
        index_path = courses[0].path[: -CoursePage.steplen]
        lessons = (
            LessonPage.objects.live()
            .filter(depth=courses[0].depth + 1, path__startswith=index_path)
            .order_by("path")
            .defer("body")
        )
    for lesson in lessons:
        journey = by_path.get(lesson.path[: -LessonPage.steplen])
        if journey is not None:
            journey.lessons.append(lesson)
    result = {j.course.pk: j for j in by_path.values()}
    if not user.is_authenticated:
        _attach_prerequisites(user, result, completed=set())
        return result

    enrolments = Enrolment.objects.filter(
        learner=user, course__in=result, delivery_mode=DeliveryMode.E_LEARNING
    )
    completions = Completion.objects.filter(learner=user, course_id__in=result)
    if agencies is not None:
        enrolments = enrolments.filter(agency__in=agencies)
        completions = completions.filter(agency__in=agencies)
    enrolments = list(enrolments.order_by("course_id", "-cycle"))
    latest = {}
    for enrolment in enrolments:
        latest.setdefault(enrolment.course_id, enrolment)
    for course_id, enrolment in latest.items():
        result[course_id].enrolment = enrolment
    latest_ids = [e.pk for e in latest.values()]
    course_of = {e.pk: e.course_id for e in latest.values()}
    for enrolment_id, lesson_id in LessonProgress.objects.filter(enrolment_id__in=latest_ids).values_list(
        "enrolment_id", "lesson_id"
    ):
        result[course_of[enrolment_id]].done_lesson_ids.add(lesson_id)
    open_enrolments = [e for e in latest.values() if e.completed_at is None]
    for activity in activities.all_activities():
        if activity.bulk_status is None:
            continue
        needing = [
            e for e in open_enrolments if activity.code in result[e.course_id].course.required_activities
        ]
        if needing:
            for enrolment_id, status in activity.bulk_status(needing).items():
                result[course_of[enrolment_id]].activity_status[activity.code] = status
    for enrolment_id, phase in SurveySubmission.objects.filter(enrolment_id__in=latest_ids).values_list(
        "enrolment_id", "phase"
    ):
        result[course_of[enrolment_id]].surveys.add(phase)
    completions = list(completions.order_by("-completed_at"))
    for completion in completions:
        result[completion.course_id].completions.append(completion)
    for extra in completion_extras() if completions else []:
        extra.attach(completions)
    # A lead's view counts only her agencies' completions; a prerequisite counts them all.
    _attach_prerequisites(user, result, None if agencies is not None else {c.course_id for c in completions})
    ratings = defaultdict(lambda: defaultdict(dict))
    for enrolment_id, item_id, phase, rating in SurveyResponse.objects.filter(
        enrolment__learner=user,
        enrolment__completed_at__isnull=False,
        enrolment__course_id__in=result,
    ).values_list("enrolment_id", "item_id", "phase", "rating"):
        ratings[enrolment_id][phase][item_id] = rating
    for completion in completions:
        change = confidence_change(ratings.get(completion.enrolment_id, {}))
        if change:
            result[completion.course_id].confidence[completion.enrolment_id] = change
    return result


def _attach_prerequisites(user, result: dict[int, Journey], completed: set | None) -> None:
    """The prerequisite course of each journey that could be started (not one in progress),
    and whether the learner has completed it. `completed`: the courses of `result` she has
    completed, when the caller has read them. Two queries at most (none for My learning, whose
    courses include their prerequisites, or when no course has one)."""
    startable = [j for j in result.values() if j.course.prerequisite_id is not None and not j.is_open]
    wanted = {j.course.prerequisite_id for j in startable}
    if not wanted:
        return
    pages = {pk: result[pk].course for pk in wanted & set(result)}
    pages.update((p.pk, p) for p in CoursePage.objects.filter(pk__in=wanted - set(pages)))
    done = wanted & completed if completed is not None else set()
    unknown = wanted if completed is None else wanted - set(result)
    if unknown and user.is_authenticated:
        done |= set(
            Completion.objects.filter(learner=user, course_id__in=unknown).values_list("course_id", flat=True)
        )
    for journey in startable:
        journey.prerequisite = pages.get(journey.course.prerequisite_id)
        journey.completed_prerequisites = done


def learner_journeys(
    user, courses: Iterable[CoursePage], lessons: Iterable[LessonPage] | None = None
) -> dict[int, Journey]:
    """`journeys` as the learner herself sees them, first completing any course whose
    requirements are all met but which has no completion. Before an activity and its
    completion shared one transaction, a crash between the two left such enrolments behind;
    opening My learning or the course finishes them (once, however many requests race)."""
    courses = list(courses)
    result = journeys(user, courses, lessons)
    completed = [try_complete(j.enrolment) for j in result.values() if j.is_open and j.next_step() is None]
    if any(completed):
        result = journeys(user, courses, lessons)
    return result


def confidence_change(by_phase: dict[str, dict[int, int]]) -> ConfidenceChange | None:
    """Median before and after across the items answered in both, and how many rose."""
    before, after = by_phase.get("before", {}), by_phase.get("after", {})
    paired = [item for item in before if item in after]
    if not paired:
        return None
    return ConfidenceChange(
        before=statistics.median(before[i] for i in paired),
        after=statistics.median(after[i] for i in paired),
        improved=sum(after[i] > before[i] for i in paired),
        items=len(paired),
    )


def course_status(user, course: CoursePage, lessons: Iterable[LessonPage]) -> Journey:
    return learner_journeys(user, [course], lessons)[course.pk]


def lesson_status(user, course: CoursePage, lesson: LessonPage) -> dict:
    journey = course_status(user, course, course.lessons)
    position = next((i for i, item in enumerate(journey.lessons) if item.pk == lesson.pk), 0)
    return {
        "journey": journey,
        "position": position + 1,
        "previous_lesson": journey.lessons[position - 1] if position > 0 else None,
        "next_lesson": journey.lessons[position + 1] if position + 1 < len(journey.lessons) else None,
        "lesson_done": lesson.pk in journey.done_lesson_ids,
        "before_lessons_step": journey.before_lessons_step(),
        "today": timezone.localdate(),
    }
