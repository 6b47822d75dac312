"""The partnership board's quarterly pack: every figure gathered once, for the PDF and the
Word document alike, so the two cannot disagree.

The pack is for one whole quarter and every agency. Coverage, targets and the trend are
measured at the end of the quarter (or today, for the quarter under way); training numbers
count the quarter; confidence, knowledge and what staff miss count the rolling 12 whole
months ending with the quarter, so that small agencies have figures. Every figure keeps the
small-number rules of the report it comes from."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.template.loader import render_to_string
from django.utils import timezone
from wagtail.models import Site

from cms.models import PartnershipSettings
from cms.pdf import drawn_once
from courses import reports
from courses.reporting.tables import Column, Table
from courses.reports import Period, british
from courses.statistics import SMALL_GROUP
from quizzes import reports as quiz_reports
from quizzes.models import AnswerTally
from workforce import charts, coverage, key_messages, targets, trends
from workforce.coverage import SOURCE_LABELS, CoverageRow

TOP = 5  # indicator categories shown as most often missed, and most often confidently wrong
NOT_A_QUARTER = (
    "The board pack is for a whole quarter: choose “This quarter” or “Last quarter”, or custom "
    "dates from the first day of a quarter to its last day (for example 2026-07-01 to 2026-09-30)."
)
ROLLING_NOTE = (
    "Confidence, knowledge and what staff miss count the 12 whole months ending with the quarter, "
    "so that small agencies have figures: a quarter alone would leave most of them with fewer than "
    "5 people."
)


def is_quarter(period: Period) -> bool:
    return period.months == 3 and period.start.month % 3 == 1


def rolling_year(quarter: Period) -> Period:
    """The 12 whole months ending with the quarter's last day."""
    after = quarter.end + timedelta(days=1)
    return Period(after.replace(year=after.year - 1), quarter.end, "custom")


COVERAGE_DEFINITION = (
    "The share of each agency's workforce holding a current completion (completed and not expired) "
    "of every course required of it (the multi-agency courses and the agency's own) on the day "
    "measured. E-learning and multi-agency sessions count alike, and so does being listed (by email) "
    "on an agency's return of single-agency training in the course, for the course's refresher period "
    "from the day it was delivered. The workforce is the agency's staff list when it has one, otherwise "
    "its headcount "
    "per job role; an agency with neither has no figure. A target counts the job roles it names."
)

COVERAGE_TABLE = Table(
    "coverage_against_target",
    "Coverage against target, by agency",
    (
        Column("agency", "Agency", value=lambda r: r["row"].agency.name),
        Column("source", "Workforce source", value=lambda r: SOURCE_LABELS[r["row"].source]),
        Column(
            "workforce",
            "Workforce",
            type=int,
            value=lambda r: r["row"].workforce if r["row"].source else None,
        ),
        Column("covered", "Covered", type=int, value=lambda r: r["row"].covered if r["row"].source else None),
        Column("share", "Coverage (%)", type=float, unit="%", value=lambda r: r["row"].share),
        Column("target", "Target", value=lambda r: r["target"]),
        Column("status", "Status", value=lambda r: r["status"].word),
        Column("reason", "Why", value=lambda r: r["status"].reason),
    ),
    definition=COVERAGE_DEFINITION,
)

REFRESHERS_TABLE = Table(
    "refreshers_overdue",
    "Refreshers overdue, by agency",
    (
        Column("agency", "Agency"),
        Column("overdue", "Refreshers overdue", type=int),
    ),
    definition="Each person's latest completion of a course whose certificate expired before the day "
    "the pack was made and that has not been renewed; counted in the agency the person was in when "
    "they completed it.",
)

MISSED_TABLE = Table(
    "most_missed",
    f"The {TOP} indicator categories most often missed",
    (
        Column("category", "Indicator category"),
        Column("people", "People", type=int),
        Column("missed", "% of indicators not ticked", type=float, unit="%"),
    ),
    definition="How often real indicators of each kind were left unticked in “spot the indicators” "
    "questions, in first attempts at end-of-course quizzes, all agencies. A category answered by "
    "fewer than 5 people shows “fewer than 5” and no share.",
    empty="No answers in these months.",
)

WRONG_TABLE = Table(
    "most_confidently_wrong",
    f"The {TOP} indicator categories most often answered “very sure” but wrong",
    (
        Column("name", "Indicator category"),
        Column("wrong", "Confidently wrong", type=int),
        Column("very_sure", "Answered very sure", type=int),
        Column("answers", "All answers", type=int),
        Column("share", "% of all answers confidently wrong", type=float, unit="%"),
    ),
    definition="Answers given “very sure” that earned less than half the marks, in first attempts at "
    "end-of-course quizzes, all agencies together. Counts of 1 to 4 are shown as “fewer than 5”, and "
    "then no share is shown.",
    empty="No confidently wrong answers in these months.",
)


@dataclass
class BoardPack:
    partnership: str
    logo: Any  # a Wagtail rendition of the partnership's logo, or None
    quarter: Period
    day: date  # coverage and targets are measured at the end of this day
    made_on: date
    coverage_rows: list[CoverageRow]
    total: CoverageRow | None
    statuses: list[dict]
    quarters: list[trends.Quarter]
    chart: dict
    rolling: Period | None  # the whole months of the rolling year that have ended
    rolling_problem: str | None
    confidence: dict | None
    knowledge: dict | None
    tables: dict[str, Table] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)

    rule = targets.RULE
    rolling_note = ROLLING_NOTE

    @property
    def quarter_label(self) -> str:
        return coverage.quarter_label(self.quarter.end)

    @property
    def filename_stem(self) -> str:
        return f"board-pack_all-agencies_{self.quarter.slug}_made-{self.made_on:%Y-%m-%d}"

    @property
    def chart_uri(self) -> str:
        return charts.as_data_uri(self.chart)

    def sections(self) -> list[tuple[str, list[Table]]]:
        """The sections with tables, in the pack's order (the Word document walks these)."""
        t = self.tables
        return [
            ("Coverage against target", [t["coverage_against_target"]]),
            ("Trends over the last 8 quarters", [t["trend"], t["trend_by_agency"]]),
            ("Confidence before and after", t["confidence"]),
            ("Knowledge before and after", t["knowledge"]),
            ("What staff miss", [t["most_missed"], t["most_confidently_wrong"]]),
            ("Refreshers overdue", [t["refreshers_overdue"]]),
            (
                "Appendix: training numbers for the quarter",
                [t["headlines"], t["agencies"], *t["training_added"]],
            ),
        ]


def confidently_wrong_categories(agencies: QuerySet, period: Period) -> list[dict[str, Any]]:
    """`quizzes.reports.confidently_wrong(by="category")` for the agencies together: the
    categories most often answered "very sure" with less than half the marks, counts of 1 to 4
    withheld (and then their share). From the quiz tallies (first attempts, whole months)."""
    rows = (
        quiz_reports.tally_cells(AnswerTally, agencies, period)
        .values("category")
        .annotate(answers=Sum("answers"), very_sure=Sum("very_sure"), wrong=Sum("wrong"))
        .filter(wrong__gt=0)
        .order_by("-wrong", "category")[:TOP]
    )
    return [
        {
            "name": quiz_reports.CATEGORY_LABELS.get(row["category"], row["category"]),
            "wrong": quiz_reports.small(row["wrong"]),
            "very_sure": quiz_reports.small(row["very_sure"]),
            "answers": quiz_reports.small(row["answers"]),
            "share": round(100 * row["wrong"] / row["answers"], 1) if row["wrong"] >= SMALL_GROUP else None,
        }
        for row in rows
    ]


def overdue_by_agency(agencies: QuerySet, today: date) -> list[dict[str, Any]]:
    counts = dict(
        reports.due_refreshers(agencies, today, within=-1)
        .order_by()
        .values("agency")
        .annotate(overdue=Count("pk"))
        .values_list("agency", "overdue")
    )
    return [{"agency": agency.name, "overdue": counts.get(agency.pk, 0)} for agency in agencies]


def logo_rendition(settings: PartnershipSettings | None):
    if settings is None or settings.logo is None:
        return None
    return settings.logo.get_rendition("max-400x160")


def pdf(pack: BoardPack) -> bytes:
    """The pack as a PDF, drawn once and kept until any figure, word or date in it changes
    (`cms.pdf.drawn_once`; `draw_board_packs` draws the manager's ahead of her asking)."""
    return drawn_once(render_to_string("workforce/board_pack.html", {"pack": pack}))


def gather(agencies: QuerySet, quarter: Period, today: date | None = None) -> BoardPack:
    """Every figure of the pack for `quarter` (a whole quarter) and `agencies` (all of them)."""
    today = today or timezone.localdate()
    agencies = agencies.order_by("sort_order", "name")
    site = Site.objects.filter(is_default_site=True).first()
    settings = PartnershipSettings.for_site(site) if site else None
    day = min(quarter.end, today)

    rows = coverage.coverage(agencies, day)
    statuses = [
        {
            "row": row,
            "measured": standing.row,
            "target": standing.target_text,
            "has_target": standing.target is not None,
            "status": standing.status,
        }
        for row, standing in zip(rows, targets.standings(agencies, day, whole=rows), strict=True)
    ]
    quarters = trends.trend(agencies, day)

    rolling, rolling_problem = reports.months_ended(rolling_year(quarter), today)
    confidence = reports.confidence(agencies, rolling) if rolling else None
    knowledge = quiz_reports.knowledge(agencies, rolling) if rolling else None
    missed = quiz_reports.missed_categories(agencies, rolling)[:TOP] if rolling else []
    wrong = confidently_wrong_categories(agencies, rolling) if rolling else []

    numbers = reports.training_numbers(agencies, quarter)
    overdue = overdue_by_agency(agencies, today)
    total = coverage.overall(rows)
    tables = {
        "coverage_against_target": COVERAGE_TABLE.fill(statuses),
        **{table.key: table for table in trends.trend_tables(quarters)},
        "confidence": reports.confidence_tables(confidence)[:2] if confidence else [],
        "knowledge": quiz_reports.knowledge_tables(knowledge)[:2] if knowledge else [],
        "most_missed": MISSED_TABLE.fill(missed),
        "most_confidently_wrong": WRONG_TABLE.fill(wrong),
        "refreshers_overdue": REFRESHERS_TABLE.fill(
            overdue, footer=[{"agency": "All agencies", "overdue": sum(r["overdue"] for r in overdue)}]
        ),
        "headlines": reports.HEADLINE_TABLE.fill(reports.headlines(numbers)),
        "agencies": reports.agency_table(numbers),
        "training_added": reports.added_training_tables(agencies, quarter),
    }
    pack = BoardPack(
        partnership=settings.name if settings else "",
        logo=logo_rendition(settings),
        quarter=quarter,
        day=day,
        made_on=today,
        coverage_rows=rows,
        total=total,
        statuses=statuses,
        quarters=quarters,
        chart=charts.quarters_chart(quarters),
        rolling=rolling,
        rolling_problem=rolling_problem,
        confidence=confidence,
        knowledge=knowledge,
        tables=tables,
    )
    previous = quarters[-2] if len(quarters) > 1 else None
    pack.messages = key_messages.messages(
        key_messages.Figures(
            coverage_now=total.share if total else None,
            coverage_before=previous.share if previous else None,
            below_target=[
                s["row"].agency.name for s in statuses if s["status"].key in ("at-risk", "off-track")
            ],
            on_track=[s["row"].agency.name for s in statuses if s["status"].key == "on-track"],
            with_target=sum(1 for s in statuses if s["has_target"]),
            no_workforce=[row.agency.name for row in rows if not row.source],
            completed=numbers["completed"],
            confidence=confidence["overall"] if confidence else None,
            knowledge=knowledge["overall"] if knowledge else None,
            most_missed=missed[0] if missed else None,
            overdue=sum(r["overdue"] for r in overdue),
        )
    )
    return pack


def made_on_text(pack: BoardPack) -> str:
    return f"Made on {british(pack.made_on)}."
