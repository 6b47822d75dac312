"""The board pack's key messages: short sentences in plain English, written from the pack's
figures and nothing else, so each can be checked against a table further on.

A withheld figure (about fewer than 5 people) never becomes a sentence: the message says
there were too few people to report instead."""

from dataclasses import dataclass, field

from courses.statistics import Comparison

TOO_FEW = "too few people to report"


@dataclass
class Figures:
    coverage_now: float | None = None  # all agencies with a workforce, at the end of the quarter
    coverage_before: float | None = None  # the same at the end of the quarter before
    below_target: list[str] = field(default_factory=list)  # agencies at risk or off track
    on_track: list[str] = field(default_factory=list)
    with_target: int = 0
    no_workforce: list[str] = field(default_factory=list)
    completed: int | None = None  # people who completed a course in the quarter
    confidence: Comparison | None = None  # the rolling 12 months, all agencies
    knowledge: Comparison | None = None
    most_missed: dict | None = None  # {"category", "people", "missed"} from the rolling 12 months
    overdue: int | None = None


def percent(value: float) -> str:
    return f"{value:g}%"


def names(items: list[str]) -> str:
    """Police, Probation and Health."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def people(count: int) -> str:
    return f"{count:,} {'person' if count == 1 else 'people'}"


def coverage_message(now: float | None, before: float | None) -> str:
    if now is None:
        return "There is no coverage figure: no agency has given its workforce (a staff list or a headcount)."
    if before is None:
        return f"Coverage is {percent(now)}; there is no figure for the quarter before to compare with."
    if now > before:
        return f"Coverage rose from {percent(before)} to {percent(now)} this quarter."
    if now < before:
        return f"Coverage fell from {percent(before)} to {percent(now)} this quarter."
    return f"Coverage stayed at {percent(now)} this quarter."


def target_message(figures: Figures) -> str:
    if not figures.with_target:
        return "No agency has a coverage target yet."
    if figures.below_target:
        verb = "is" if len(figures.below_target) == 1 else "are"
        return f"{names(figures.below_target)} {verb} below target."
    if len(figures.on_track) == figures.with_target:
        return f"Every agency with a target is on track ({figures.with_target})."
    return "No agency with a target is below it; some have no workforce figure to measure it against."


def workforce_message(missing: list[str]) -> str | None:
    if not missing:
        return None
    verb = "has" if len(missing) == 1 else "have"
    whose = "its" if len(missing) == 1 else "their"
    return f"{names(missing)} {verb} not given a workforce, so {whose} coverage cannot be measured."


def comparison_message(change: Comparison | None, what: str, rose: str) -> str:
    if change is None:
        return f"There are no {what} figures for these months yet."
    if change.pairs == 0:
        return f"No one has {what} figures before and after in the 12 months."
    if change.suppressed:
        return f"{what.capitalize()} before and after: {TOO_FEW} (fewer than 5 people in the 12 months)."
    return (
        f"{what.capitalize()} {rose} for {percent(change.improved)} of people "
        f"({people(change.pairs)}, in the 12 months to the end of the quarter)."
    )


def missed_message(row: dict | None) -> str | None:
    if row is None:
        return None
    if row["missed"] is None:
        return f"Indicator categories most often missed: {TOO_FEW}."
    return (
        f"The indicator category most often missed was “{row['category']}”: "
        f"{percent(row['missed'])} of its indicators were not ticked."
    )


def messages(figures: Figures) -> list[str]:
    """The key messages, most important first."""
    found = [
        coverage_message(figures.coverage_now, figures.coverage_before),
        target_message(figures),
        workforce_message(figures.no_workforce),
        None
        if figures.completed is None
        else f"{people(figures.completed)} completed a course this quarter."
        if figures.completed
        else "No one completed a course this quarter.",
        comparison_message(figures.confidence, "confidence", "rose"),
        comparison_message(figures.knowledge, "knowledge", "scores rose"),
        missed_message(figures.most_missed),
        None
        if figures.overdue is None
        else "No refreshers are overdue."
        if not figures.overdue
        else f"{figures.overdue:,} refresher{'' if figures.overdue == 1 else 's'} "
        f"{'is' if figures.overdue == 1 else 'are'} overdue.",
    ]
    return [message for message in found if message]
