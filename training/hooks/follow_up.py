"""Wagtail hooks for follow_up (loaded by training.wagtail_hooks)."""

from wagtail import hooks

from courses.reporting.tabs import ReportTab
from training import follow_up


@hooks.register("register_report_tab")
def impact_report_tab():
    """The follow-up figures join the leads' Reports (and so the downloads and the API)."""
    return ReportTab(
        "impact",
        "Impact on practice",
        "training:report_impact",
        order=35,
        tables=follow_up.figures,
        declared=follow_up.TABLES,
        whole_months=True,
        people=follow_up.people,
    )
