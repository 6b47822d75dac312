"""The "what staff miss" report: part of the leads' Reports, scoped like the others."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from courses import reports as course_reports
from courses.exports import download
from courses.models import CoursePage
from courses.scoping import require_report_viewer
from courses.views.reports import PERIOD_CHOICES
from quizzes import reports


@login_required
def quiz_insight(request):
    agencies = require_report_viewer(request.user)
    period, problem = course_reports.period_from(request.GET)
    course = course_reports.course_from(request.GET.get("course"))
    questions = reports.question_statistics(agencies, period, course)
    if request.GET.get("export") in ("csv", "xlsx"):
        rows = [
            [
                r["question"],
                r["people"],
                "" if r["facility"] is None else r["facility"],
                "" if r["discrimination"] is None else r["discrimination"],
            ]
            for r in questions
        ]
        return download(
            rows,
            ["Question", "People", "Facility index", "Discrimination index"],
            "what-staff-miss",
            request.GET["export"],
        )
    return render(
        request,
        "quizzes/reports/insight.html",
        {
            "agencies": agencies,
            "questions": questions,
            "period": period,
            "problem": problem,
            "categories": reports.missed_categories(agencies, period, course),
            "traffic": reports.traffic_light_table(agencies, period, course),
            "period_choices": PERIOD_CHOICES,
            "course": course,
            "params": request.GET,
            "courses": CoursePage.objects.live().order_by("path"),
            "query": request.GET.urlencode(),
        },
    )
