"""The "what staff miss" report: part of the leads' Reports, scoped and filtered like
the others. The page and its exports are drawn from the same tables."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from courses.exports import download
from courses.views.reports import filter_context, report_scope
from quizzes import reports


@login_required
def quiz_insight(request):
    agencies, period, problem, course, job_role = report_scope(request)
    tables = reports.figures(agencies, period, course, job_role)
    kind = request.GET.get("export")
    if kind in ("csv", "xlsx"):
        by_key = {key: (headings, rows) for key, _title, headings, rows in tables}
        key = request.GET.get("table") if request.GET.get("table") in by_key else "questions"
        headings, rows = by_key[key]
        return download(
            [["" if value is None else value for value in row] for row in rows],
            headings,
            f"what-staff-miss-{key}",
            kind,
        )
    return render(
        request,
        "quizzes/reports/insight.html",
        {
            "agencies": agencies,
            "tables": tables,
            **filter_context(request, period, problem, course, job_role),
        },
    )
