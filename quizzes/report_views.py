"""The "what staff miss" report: part of the leads' Reports, scoped and filtered like
the others. The page and its exports are drawn from the same tables."""

from functools import partial

from django.shortcuts import render

from courses.decorators import report_view
from courses.reports import FEW_LEFT_OUT, few_left_out
from courses.views.reports import export, figures_scope, filter_context, period_problem
from quizzes import reports


@report_view
def quiz_insight(request):
    agencies, period, problem, course, job_role = figures_scope(request)
    if problem:
        return period_problem(request, "What staff miss", agencies, problem, course, job_role)
    if few_left_out(partial(reports.people, agencies, period), course, job_role):
        return period_problem(request, "What staff miss", agencies, FEW_LEFT_OUT, course, job_role, "course")
    tables = reports.figures(agencies, period, course, job_role)
    kind = request.GET.get("export")
    if kind in ("csv", "xlsx"):
        by_key = {key: (title, headings, rows) for key, title, headings, rows in tables}
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
