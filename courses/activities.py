"""What a course can require before it counts as complete.

A course stores the codes of its required activities; each activity knows how to tell
whether an enrolment has done it. Other apps add their own (the quiz app registers
"pass the quiz") through `register`, so `courses` never imports them.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class Activity:
    code: str
    label: str
    is_done: Callable  # (enrolment) -> bool
    order: int = 50
    # The after survey comes last: it is only offered once everything else is done.
    comes_last: bool = False
    # For activities of other apps: {enrolment id: (done, url)} for many open enrolments in
    # a fixed number of queries, so My learning can offer the next step.
    bulk_status: Callable | None = None
    # A score the completion record keeps (the quiz's best score), or None.
    score: Callable | None = None


_registry: dict[str, Activity] = {}


def register(activity: Activity):
    _registry[activity.code] = activity


def get(code) -> Activity:
    return _registry[code]


def codes():
    return set(_registry)


def all_activities():
    return sorted(_registry.values(), key=lambda a: a.order)


def default_codes():
    return ["before_survey", "lessons", "after_survey"]


def validate_codes(codes):
    if not isinstance(codes, list) or not codes:
        raise ValidationError({"required_activities": "Choose at least one required activity."})
    unknown = [code for code in codes if code not in _registry]
    if unknown:
        raise ValidationError({"required_activities": f"Unknown activity: {', '.join(map(str, unknown))}."})


def choices():
    return [(activity.code, activity.label) for activity in all_activities()]
