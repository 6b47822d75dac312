"""A read-only JSON API for the partnership's own dashboards, scoped exactly like the reports
(the same functions, the same scoping), with an OpenAPI schema at /api/v1/openapi.json.

Every report tab with tables (`courses.reporting.tabs`) is served at /api/v1/reports/<tab>:
its tables as the page shows them, with a schema generated from their declared columns, so a
new column reaches the API with no edit here. /training-numbers and /confidence are the
original endpoints, kept for the dashboards that read them."""

from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Any

from django.http import HttpRequest
from django.views.decorators.cache import never_cache
from ninja import Field, NinjaAPI, Query, Schema
from ninja.errors import HttpError
from pydantic import create_model
from wagtail.api.v3.auth import BearerTokenAuth

from cms.db_routers import replica_reads
from courses import reports
from courses.reporting.tables import Table
from courses.reporting.tabs import ReportTab, report_tabs
from courses.scoping import lead_agencies

# Tokens are Wagtail's own (wagtailcore.APIToken: only a digest is stored); a lead makes
# hers on her profile page.
api = NinjaAPI(
    title="Safeguarding Learning Hub reports",
    version="1",
    auth=BearerTokenAuth(),
    urls_namespace="api",
    docs_url=None,
)
api.add_decorator(never_cache, mode="view")  # staff's figures: no browser or proxy keeps a copy
# Figures come from the read replica when one is set; the token is checked first, on the primary.
api.add_decorator(replica_reads, mode="operation")


class Filters(Schema):
    period: str = "this_quarter"
    start: date | None = None
    end: date | None = None
    course: int | None = None
    job_role: str | None = None


class ConfidenceFilters(Filters):
    period: str = "last_12_months"  # whole months that have ended, as on the confidence page


class Problem(Schema):
    detail: str  # what to put right, e.g. dates outside 2000 to 2099


class MonthRow(Schema):
    month: str
    people: int
    completions: int


class CountRow(Schema):
    name: str
    people: int


def row_schema(name: str, table: Table) -> type[Schema]:
    """A schema for a table's rows, from its columns: a figure may be withheld ("fewer than 5")
    or missing (null)."""
    fields = {
        column.key: (
            (str if column.type is str else int | float | str) | None,
            Field(None, title=column.heading, description=column.definition or None),
        )
        for column in table.columns
    }
    return create_model(name, __base__=Schema, **fields)


class ColumnOut(Schema):
    key: str
    heading: str
    definition: str


def table_schema(name: str, table: Table) -> type[Schema]:
    row = row_schema(f"{name}Row", table)
    return create_model(
        f"{name}Table",
        __base__=Schema,
        title=(str, ...),
        definition=(str, ""),
        columns=(list[ColumnOut], ...),
        rows=(list[row], ...),
        footer=(list[row], []),
    )


def table_out(table: Table) -> dict[str, Any]:
    return {
        "title": table.title,
        "definition": table.definition,
        "columns": [{"key": c.key, "heading": c.heading, "definition": c.definition} for c in table.columns],
        "rows": table.api_records(table.rows),
        "footer": table.api_records(table.footer),
    }


AgencyRow = row_schema("AgencyRow", reports.AGENCIES)


class TrainingNumbers(Schema):
    period_start: date
    period_end: date
    agencies: list[str]
    registered: int
    enrolled: int
    courses_started: int  # courses started in the period (a person can start several)
    finished: int  # of `courses_started`, those completed by the period's end
    completed: int
    completion_rate: float | None
    median_days: float | None
    per_month: list[MonthRow]
    by_course: list[CountRow]
    by_job_role: list[CountRow]
    by_agency: list[AgencyRow]
    all_agencies: AgencyRow
    definitions: dict[str, str]  # what each headline figure and `by_agency` counts


class ComparisonOut(Schema):
    people: int | None  # null when fewer than 5 people: the figures are withheld
    withheld: bool
    median_before: float | None
    median_after: float | None
    improved_percent: float | None
    same_percent: float | None
    worse_percent: float | None
    p_value: float | None
    effect_size_r: float | None


class ItemOut(Schema):
    code: str
    text: str
    before_after: ComparisonOut
    looking_back_after: ComparisonOut


class AgencyComparison(Schema):
    agency: str
    before_after: ComparisonOut


class Confidence(Schema):
    period_start: date
    period_end: date  # the end of the last month that has ended, when the period asked for runs on
    note: str  # says so when the figures stop sooner than the period asked for
    overall: ComparisonOut
    by_agency: list[AgencyComparison]
    items: list[ItemOut]


def _scope(request, filters, whole_months=False):
    agencies = lead_agencies(request.auth.user)
    if not agencies.exists():
        raise HttpError(403, "This token's owner is not an agency lead or the partnership manager.")
    params = {"period": filters.period}
    if filters.start or filters.end:
        params = {"period": "custom", "from": str(filters.start or ""), "to": str(filters.end or "")}
    period, problem = reports.period_from(params, whole_months=whole_months)
    if period and whole_months:
        period, problem = reports.months_ended(period)
    if problem:
        raise HttpError(400, problem)
    course = reports.course_from(filters.course)
    return agencies, period, course, reports.job_role_from(filters.job_role)


def _comparison(c):
    if c.suppressed:
        return {
            "people": None,
            "withheld": True,
            "median_before": None,
            "median_after": None,
            "improved_percent": None,
            "same_percent": None,
            "worse_percent": None,
            "p_value": None,
            "effect_size_r": None,
        }
    return {
        "people": c.pairs,
        "withheld": False,
        "median_before": c.median_before,
        "median_after": c.median_after,
        "improved_percent": c.improved,
        "same_percent": c.same,
        "worse_percent": c.worse,
        "p_value": c.p_value,
        "effect_size_r": c.r,
    }


@api.get("/training-numbers", response={200: TrainingNumbers, 400: Problem})
def training_numbers(request, filters: Query[Filters]):
    agencies, period, course, job_role = _scope(request, filters)
    numbers = reports.training_numbers(agencies, period, course, job_role)
    agencies_table = reports.agency_table(numbers)
    return {
        "period_start": period.start,
        "period_end": period.end,
        "agencies": [a.name for a in agencies],
        **{
            k: numbers[k]
            for k in ("registered", "enrolled", "courses_started", "finished", "completed", "completion_rate")
        },
        "median_days": numbers["median_days"],
        "per_month": [
            {
                "month": row["month"].strftime("%Y-%m"),
                "people": row["people"],
                "completions": row["completions"],
            }
            for row in numbers["per_month"]
        ],
        "by_course": [{"name": r["course_title"], "people": r["people"]} for r in numbers["by_course"]],
        "by_job_role": [{"name": r["job_role_label"], "people": r["people"]} for r in numbers["by_job_role"]],
        "by_agency": agencies_table.api_records(agencies_table.rows),
        "all_agencies": agencies_table.api_records(agencies_table.footer)[0],
        "definitions": {
            **{row["key"]: row["definition"] for row in reports.headlines(numbers)},
            "by_agency": agencies_table.definition,
        },
    }


@api.get("/confidence", response={200: Confidence, 400: Problem})
def confidence(request, filters: Query[ConfidenceFilters]):
    """Whole months that have ended only (see `reports.period_from` and `reports.months_ended`)."""
    agencies, period, course, job_role = _scope(request, filters, whole_months=True)
    if reports.few_left_out(partial(reports.surveyed_people, agencies, period), course, job_role):
        raise HttpError(400, reports.FEW_LEFT_OUT)
    result = reports.confidence(agencies, period, course, job_role)
    return {
        "period_start": period.start,
        "period_end": period.end,
        "note": period.note,
        "overall": _comparison(result["overall"]),
        "by_agency": [
            {"agency": row["agency"].name, "before_after": _comparison(row["change"])}
            for row in result["by_agency"]
        ],
        "items": [
            {
                "code": row["item"].code,
                "text": row["item"].text,
                "before_after": _comparison(row["change"]),
                "looking_back_after": _comparison(row["looking_back"]),
            }
            for row in result["items"]
        ],
    }


def _camel(key: str) -> str:
    return "".join(part.capitalize() for part in key.replace("-", "_").split("_"))


def report_schema(tab: ReportTab) -> type[Schema]:
    """The response of a tab's endpoint: its period and agencies, and each declared table (a
    table shown only sometimes, such as agencies side by side, is null when it is not)."""
    name = _camel(tab.key)
    tables = {
        table.key: (table_schema(name + _camel(table.key), table) | None, None) for table in tab.declared
    }
    return create_model(
        f"{name}Report",
        __base__=Schema,
        report=(str, ...),
        period_start=(date, ...),
        period_end=(date, ...),
        note=(str, ""),
        agencies=(list[str], ...),
        tables=(create_model(f"{name}Tables", __base__=Schema, **tables), ...),
    )


def report_endpoint(tab: ReportTab) -> Callable:
    """The tab's tables for the token owner's agencies, protected as its page is."""
    chosen = ConfidenceFilters if tab.whole_months else Filters

    def report(request: HttpRequest, filters: Query[chosen]):
        agencies, period, course, job_role = _scope(request, filters, whole_months=tab.whole_months)
        if tab.people and reports.few_left_out(partial(tab.people, agencies, period), course, job_role):
            raise HttpError(400, reports.FEW_LEFT_OUT)
        tables = tab.tables(agencies, period, course, job_role)
        return {
            "report": tab.label,
            "period_start": period.start,
            "period_end": period.end,
            "note": period.note,
            "agencies": [a.name for a in agencies],
            "tables": {table.key: table_out(table) for table in tables},
        }

    return report


for _tab in report_tabs():
    if _tab.tables:
        api.get(
            f"/reports/{_tab.key}",
            response={200: report_schema(_tab), 400: Problem},
            operation_id=f"report_{_tab.key.replace('-', '_')}",
            summary=_tab.label,
        )(report_endpoint(_tab))
