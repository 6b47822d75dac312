"""The "what staff miss" and "knowledge before and after" reports: tabs of the leads'
Reports (registered in `quizzes.wagtail_hooks`), scoped and filtered like the others through
the reporting layer. Each page and its exports are drawn from the same tables."""

from functools import partial

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from courses.decorators import report_view
from courses.reporting.views import export, figures_page, figures_scope, filter_context, period_problem
from courses.reports import FEW_LEFT_OUT, few_left_out
from quizzes import reports


@report_view
def quiz_insight(request: HttpRequest) -> HttpResponse:
    agencies, period, problem, course, job_role = figures_scope(request)
    if problem:
        return period_problem(request, "What staff miss", agencies, problem, course, job_role)
    if few_left_out(partial(reports.people, agencies, period), course, job_role):
        return period_problem(request, "What staff miss", agencies, FEW_LEFT_OUT, course, job_role, "course")
    tables = reports.figures(agencies, period, course, job_role)
    kind = request.GET.get("export")
    if kind in ("csv", "xlsx"):
        by_key = {table.key: table for table in tables}
        key = request.GET.get("table") if request.GET.get("table") in by_key else "questions"
        scope = (agencies, period.label, period.slug, course, job_role)
        name = f"what-staff-miss-{key}"
        return export(kind, "What staff miss", name, [by_key[key]], *scope, note=period.note)
    return render(
        request,
        "quizzes/reports/insight.html",
        {
            "agencies": agencies,
            "tables": tables,
            **filter_context(request, period, problem, course, job_role),
        },
    )


@report_view
def knowledge(request: HttpRequest) -> HttpResponse:
    def figures(scope):
        result = reports.knowledge(*scope.figures_args)
        return reports.knowledge_tables(result), {"overall": result["overall"]}

    return figures_page(
        request,
        figures_scope(request),
        "Knowledge before and after",
        "knowledge",
        "quizzes/reports/knowledge.html",
        reports.knowledge_people,
        figures,
    )
