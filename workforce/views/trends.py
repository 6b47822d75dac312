"""The last 8 quarters of coverage and completions, for leads (their agencies) and the
partnership manager (every agency): the chart, the same figures as tables, each agency's
target and status, and the tables as downloads."""

from django.http import QueryDict
from django.shortcuts import render
from django.utils import timezone

from courses.decorators import report_view
from courses.models import PartnershipManager
from courses.reporting.views import export
from courses.reports import british
from courses.scoping import require_report_viewer
from workforce import charts, trends
from workforce.targets import RULE, STANDINGS, standings


@report_view
def trends_report(request):
    agencies = require_report_viewer(request.user)
    today = timezone.localdate()
    quarters = trends.trend(agencies, today)
    tables = trends.trend_tables(quarters)
    standing = STANDINGS.fill(standings(agencies, today))
    kind = request.GET.get("export")
    if kind in ("csv", "xlsx"):
        period = f"The last {len(quarters)} quarters to {british(today)}"
        return export(
            kind, "Trends", "trends", [*tables, standing], agencies, period, f"last-{len(quarters)}-quarters"
        )
    keep = QueryDict(mutable=True)
    keep.update({key: value for key, value in request.GET.items() if key != "export"})
    return render(
        request,
        "workforce/trends.html",
        {
            "agencies": agencies,
            "today": today,
            "quarters": quarters,
            "chart": charts.as_svg(charts.quarters_chart(quarters)),
            "tables": tables,
            "standing": standing,
            "rule": RULE,
            "manager": PartnershipManager.objects.filter(user=request.user).exists(),
            "query": keep.urlencode(),
        },
    )
