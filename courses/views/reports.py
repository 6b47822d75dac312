"""Reports for agency leads and the partnership manager: training numbers and confidence.

Every figure comes from `courses.reports`, scoped by `courses.scoping.lead_agencies`: a
lead sees her agencies only; anyone who is not a lead gets a 404."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from courses import reports
from courses.exports import download
from courses.models import CoursePage, JobRole
from courses.scoping import require_report_viewer


def _scope(request):
    agencies = require_report_viewer(request.user)
    period, problem = reports.period_from(request.GET)
    course = (
        CoursePage.objects.filter(pk=request.GET.get("course") or None).first()
        if (request.GET.get("course") or "").isdigit()
        else None
    )
    job_role = request.GET.get("job_role") if request.GET.get("job_role") in JobRole.values else None
    return agencies, period, problem, course, job_role


PERIOD_CHOICES = [
    ("this_quarter", "This quarter"),
    ("last_quarter", "Last quarter"),
    ("this_year", "This year"),
    ("custom", "Custom dates"),
]
BAR_SCALE = 60  # SVG units per confidence point


def _chart(items):
    """Bars for the confidence chart, drawn by the server (readable in a PDF too)."""
    rows = []
    for index, row in enumerate(r for r in items if not r["change"].suppressed):
        change, top = row["change"], 10 + index * 42
        rows.append(
            {
                "label": row["item"].text,
                "label_y": top + 8,
                "before_y": top + 12,
                "before_width": change.median_before * BAR_SCALE,
                "before": change.median_before,
                "before_text_x": change.median_before * BAR_SCALE + 4,
                "after_y": top + 24,
                "after_width": change.median_after * BAR_SCALE,
                "after": change.median_after,
                "after_text_x": change.median_after * BAR_SCALE + 4,
            }
        )
    return {"rows": rows, "height": 20 + 42 * len(rows)}


def _filters(request, period, problem, course, job_role):
    return {
        "period_choices": PERIOD_CHOICES,
        "period": period,
        "problem": problem,
        "course": course,
        "job_role": job_role,
        "courses": CoursePage.objects.live().order_by("path"),
        "job_roles": JobRole.choices,
        "params": request.GET,
        "query": request.GET.urlencode(),
    }


@login_required
def training(request):
    agencies, period, problem, course, job_role = _scope(request)
    numbers = reports.training_numbers(agencies, period, course, job_role)
    due = list(reports.due_refreshers(agencies)[:500])
    kind = request.GET.get("export")
    if kind in ("csv", "xlsx"):
        rows = [
            [
                c.learner.get_full_name(),
                c.learner.email,
                c.agency_name,
                c.job_role_label,
                c.course_title,
                f"{c.completed_at:%Y-%m-%d}",
                f"{c.expires_on:%Y-%m-%d}",
            ]
            for c in due
        ]
        return download(
            rows,
            ["Name", "Email", "Agency at completion", "Job role", "Course", "Completed", "Expires"],
            "refreshers-due",
            kind,
        )
    return render(
        request,
        "courses/reports/training.html",
        {
            "agencies": agencies,
            "numbers": numbers,
            "due": due,
            **_filters(request, period, problem, course, job_role),
        },
    )


@login_required
def confidence(request):
    agencies, period, problem, course, job_role = _scope(request)
    result = reports.confidence(agencies, period, course)
    kind = request.GET.get("export")
    if kind in ("csv", "xlsx"):
        rows = []
        for row in result["items"]:
            change, back = row["change"], row["looking_back"]
            rows.append(
                [
                    row["item"].code,
                    row["item"].text,
                    change.shown("pairs"),
                    change.shown("median_before"),
                    change.shown("median_after"),
                    change.shown("improved"),
                    change.shown("same"),
                    change.shown("worse"),
                    change.shown("p_value"),
                    change.shown("r"),
                    back.shown("median_before"),
                    back.shown("p_value"),
                ]
            )
        return download(
            rows,
            [
                "Item code",
                "Item",
                "People with both ratings",
                "Median before",
                "Median after",
                "% improved",
                "% same",
                "% worse",
                "p (Wilcoxon, Pratt)",
                "Effect size r",
                "Median looking back",
                "p looking back",
            ],
            "confidence",
            kind,
        )
    return render(
        request,
        "courses/reports/confidence.html",
        {
            "agencies": agencies,
            "result": result,
            "chart": _chart(result["items"]),
            **_filters(request, period, problem, course, job_role),
        },
    )
