"""The last 8 quarters: coverage at the end of each and the people who completed a course in
it, for the agencies together and side by side. The page, the board pack and the exports take
these tables and this chart, so they show the same figures."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from courses import pairs
from courses.models import Completion
from courses.reporting.tables import Column, Table
from courses.training_tallies import COMPLETED
from workforce import coverage
from workforce.coverage import CoverageRow, end_of, quarter_label, quarter_last_day, quarter_start

QUARTERS = 8


@dataclass(frozen=True)
class Quarter:
    end: date  # its last day, or today for the quarter under way
    rows: list[CoverageRow]  # per agency
    total: CoverageRow | None  # the agencies together (None if none has a workforce)
    completed: int  # people who completed at least one course in the quarter (to `end`)

    @property
    def so_far(self) -> bool:
        return self.end < quarter_last_day(self.end)

    @property
    def label(self) -> str:
        return quarter_label(self.end) + (" (so far)" if self.so_far else "")

    @property
    def short_label(self) -> list[str]:
        """For a chart's axis: "Jul to", "Sep 2026" ("*" marks the quarter under way)."""
        start, last = quarter_start(self.end), quarter_last_day(self.end)
        return [f"{start:%b} to", f"{last:%b %Y}" + ("*" if self.so_far else "")]

    @property
    def share(self) -> float | None:
        return self.total.share if self.total else None


def trend(agencies: QuerySet, today: date | None = None, quarters: int = QUARTERS) -> list[Quarter]:
    """The last `quarters` quarters up to today, oldest first, in the same queries however many."""
    ends = coverage.quarter_ends(today or timezone.localdate(), quarters)
    by_day = coverage.coverage_trend(agencies, ends)
    completed = completed_by_quarter(agencies, ends)
    return [
        Quarter(end, by_day[end], coverage.overall(by_day[end]), completed[f"q{index}"])
        for index, end in enumerate(ends)
    ]


def completed_by_quarter(agencies: QuerySet, ends: list[date]) -> dict[str, int]:
    """{"q<i>": people who completed a course in the quarter ending on `ends[i]`, to that day}.
    Read from the training tallies (each person once, by the London month of her latest
    completion in the quarter) when the agencies are one or all and every quarter is whole
    months (or runs to today: nobody has completed after today); else counted from the
    completions. One query either way."""
    scope = pairs.agency_scope(agencies)
    today = timezone.localdate()
    if scope is not None and all(end == quarter_last_day(end) or end >= today for end in ends):
        cells = pairs.level_cells(COMPLETED.name, scope, None, None).filter(series=pairs.PEOPLE)
        return cells.aggregate(
            **{
                f"q{index}": Sum(
                    "people",
                    filter=Q(
                        month__gte=quarter_start(end),
                        month__lte=end.replace(day=1),
                        next_month__gt=end.replace(day=1),
                    ),
                    default=0,
                )
                for index, end in enumerate(ends)
            }
        )
    return Completion.objects.filter(agency__in=agencies).aggregate(
        **{
            f"q{index}": Count(
                "learner",
                distinct=True,
                filter=Q(
                    completed_at__gte=end_of(quarter_start(end) - timedelta(days=1)),
                    completed_at__lt=end_of(end),
                ),
            )
            for index, end in enumerate(ends)
        }
    )


TREND_DEFINITION = (
    "Coverage at the end of each quarter (for the quarter under way, today): the share of each "
    "agency's workforce as it is given now (staff list or headcount) who then held a current "
    "completion of every course required of them. Past staff lists are not kept, so this is how "
    "today's workforce was covered then. Completed: people who completed at least one course in "
    "the quarter, in these agencies. Quarters are London time."
)

TREND = Table(
    "trend",
    "The last 8 quarters",
    (
        Column("quarter", "Quarter", value=lambda q: q.label),
        Column("workforce", "Workforce", type=int, value=lambda q: q.total.workforce if q.total else None),
        Column(
            "covered", "Covered at the end", type=int, value=lambda q: q.total.covered if q.total else None
        ),
        Column("share", "Coverage (%)", type=float, unit="%", value=lambda q: q.share),
        Column(
            "completed", "People who completed a course in the quarter", type=int, value=lambda q: q.completed
        ),
    ),
    definition=TREND_DEFINITION,
)


def by_agency_table(quarters: list[Quarter]) -> Table:
    """Each agency's coverage (%) at the end of each quarter, side by side."""
    columns = [Column("agency", "Agency", value=lambda row: row[0])]
    for index, quarter in enumerate(quarters):
        columns.append(
            Column(f"q{index}", quarter.label, type=float, unit="%", value=lambda row, i=index: row[1][i])
        )
    agencies = [row.agency for row in quarters[-1].rows] if quarters else []
    rows = [
        (agency.name, [quarter.rows[position].share for quarter in quarters])
        for position, agency in enumerate(agencies)
    ]
    return Table(
        "trend_by_agency",
        "Coverage by agency, quarter by quarter (%)",
        tuple(columns),
        definition="Each agency's coverage at the end of each quarter, as above; "
        "– where it has no workforce figure.",
    ).fill(rows)


def trend_tables(quarters: list[Quarter]) -> list[Table]:
    return [TREND.fill(quarters), by_agency_table(quarters)]
