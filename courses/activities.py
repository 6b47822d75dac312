"""What a course can require before it counts as complete.

A course stores the codes of its required activities; each activity knows how to tell
whether an enrolment has done it. Every app, courses included, offers its activities through
Wagtail's hook registry: a function registered for `HOOK` in the app's `wagtail_hooks.py`
returns one `Activity` (the quiz app offers "pass the quiz"), so `courses` never imports the
apps built on it and nothing depends on the order apps are loaded in.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from wagtail import hooks

HOOK = "register_course_activity"


@dataclass(frozen=True)
class Activity:
    code: str
    label: str
    is_done: Callable  # (enrolment) -> bool
    order: int = 50
    # Done before any lesson can be finished (the before survey; the quiz app's knowledge
    # check): a learner meets these first.
    before_lessons: bool = False
    # The after survey comes last: it is only offered once everything else is done.
    comes_last: bool = False
    # For activities of other apps: {enrolment id: (done, url)} for many open enrolments in
    # a fixed number of queries, so My learning can offer the next step.
    bulk_status: Callable | None = None
    # A score the completion record keeps (the quiz's best score), or None.
    score: Callable | None = None


def _registered() -> dict[str, Activity]:
    # Read afresh each time: the hooks return module constants, so this costs nothing, and
    # a hook registered temporarily (a test's) is seen at once.
    return {activity.code: activity for activity in (hook() for hook in hooks.get_hooks(HOOK))}


def get(code: str) -> Activity:
    return _registered()[code]


def codes() -> set[str]:
    return set(_registered())


def all_activities() -> list[Activity]:
    return sorted(_registered().values(), key=lambda a: a.order)


def before_lessons() -> list[Activity]:
    """The activities that come before the lessons: the before survey first, then the others
    in their order."""
    first = [a for a in _registered().values() if a.before_lessons]
    return sorted(first, key=lambda a: (a.code != "before_survey", a.order))


def default_codes() -> list[str]:
    return ["before_survey", "lessons", "after_survey"]


def validate_codes(codes) -> None:
    if not isinstance(codes, list) or not codes:
        raise ValidationError({"required_activities": "Choose at least one required activity."})
    known = _registered()
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise ValidationError({"required_activities": f"Unknown activity: {', '.join(map(str, unknown))}."})


def choices() -> list[tuple[str, str]]:
    return [(activity.code, activity.label) for activity in all_activities()]
