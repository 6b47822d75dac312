"""Targets and their RAG status: one rule, stated in words wherever a status is shown.

A status always carries its word (On track / At risk / Off track), never colour alone, and
the rule below is printed beside every table that shows one."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from cms.models import Agency
from courses.models import JobRole
from courses.reporting.tables import Column, Table
from courses.reports import british
from workforce import coverage
from workforce.coverage import CoverageRow
from workforce.models import CoverageTarget

AT_RISK_MARGIN = 10  # percentage points below the target that are still "at risk"

RULE = (
    "On track: coverage is at or above the target. "
    f"At risk: below the target by no more than {AT_RISK_MARGIN} percentage points, and the date "
    "to reach it has not passed. "
    f"Off track: more than {AT_RISK_MARGIN} points below the target, or the date has passed "
    "without reaching it. "
    "No status: no target, or no workforce figure to measure it against."
)


@dataclass(frozen=True)
class Status:
    word: str  # On track, At risk, Off track, No status
    key: str  # on-track, at-risk, off-track, none: for the page's style (with the word, never alone)
    reason: str  # why, in a sentence a board member can check

    def __str__(self):
        return self.word


def target_text(target: CoverageTarget | None) -> str:
    """80% of frontline staff by 31 March 2027."""
    if target is None:
        return "No target"
    if target.job_roles:
        roles = ", ".join(JobRole(role).label for role in target.job_roles if role in JobRole.values)
        whom = f"of staff in these job roles ({roles})"
    else:
        whom = "of the workforce"
    return f"{target.share}% {whom} by {british(target.due_on)}"


def status(row: CoverageRow | None, target: CoverageTarget | None, day: date) -> Status:
    """The RAG status of coverage `row` (measured on `day`, of the target's job roles) against
    `target`."""
    if target is None:
        return Status("No status", "none", "No target has been set.")
    share = row.share if row else None
    if share is None:
        return Status("No status", "none", "There is no workforce figure to measure the target against.")
    gap = round(target.share - share, 1)
    if gap <= 0:
        return Status("On track", "on-track", f"{share}% covered against a target of {target.share}%.")
    if day > target.due_on:
        return Status(
            "Off track",
            "off-track",
            f"{share}% covered: the target of {target.share}% was due by {british(target.due_on)}.",
        )
    if gap <= AT_RISK_MARGIN:
        return Status(
            "At risk", "at-risk", f"{share}% covered, {gap:g} points below the target of {target.share}%."
        )
    return Status(
        "Off track", "off-track", f"{share}% covered, {gap:g} points below the target of {target.share}%."
    )


def targets_for(agencies) -> dict[int, CoverageTarget]:
    """Each agency's target, if it has one (one query)."""
    return {t.agency_id: t for t in CoverageTarget.objects.filter(agency__in=agencies)}


@dataclass(frozen=True)
class Standing:
    """An agency's coverage of the staff its target is about, its target and its status."""

    agency: Agency
    row: CoverageRow | None
    target: CoverageTarget | None
    status: Status

    @property
    def share(self) -> float | None:
        return self.row.share if self.row else None

    @property
    def target_text(self) -> str:
        return target_text(self.target)


def standings(agencies: QuerySet, day: date, whole: Sequence[CoverageRow] | None = None) -> list[Standing]:
    """Each agency's standing on `day`, in the agencies' order: its coverage of the job roles
    its target names (of its whole workforce when it names none or there is no target),
    measured once per set of job roles. `whole`, the agencies' coverage of their whole
    workforce on `day` when the caller already has it, is not counted again."""
    agencies = list(agencies.order_by("sort_order", "name"))
    goals = targets_for(agencies)
    by_roles: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for agency in agencies:
        goal = goals.get(agency.pk)
        by_roles[tuple(sorted(goal.job_roles)) if goal else ()].append(agency.pk)
    rows: dict[int, CoverageRow] = {}
    for roles, ids in by_roles.items():
        if not roles and whole is not None:
            rows.update({row.agency.pk: row for row in whole if row.agency.pk in ids})
        else:
            measured = coverage.coverage(Agency.objects.filter(pk__in=ids), day, job_roles=roles)
            rows.update({row.agency.pk: row for row in measured})
    return [
        Standing(
            agency,
            rows.get(agency.pk),
            goals.get(agency.pk),
            status(rows.get(agency.pk), goals.get(agency.pk), day),
        )
        for agency in agencies
    ]


STANDINGS = Table(
    "targets",
    "Coverage against target",
    (
        Column("agency", "Agency", value=lambda s: s.agency.name),
        Column("share", "Coverage today (%)", type=float, unit="%", value=lambda s: s.share),
        Column("target", "Target", value=lambda s: s.target_text),
        Column("status", "Status", value=lambda s: s.status.word),
        Column("reason", "Why", value=lambda s: s.status.reason),
    ),
    definition="Coverage today of the staff each target is about (its job roles, or the whole "
    "workforce), as on the Coverage tab. " + RULE,
)
