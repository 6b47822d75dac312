"""Wagtail hooks for the register: the leads' "Sessions" report tab (also served by the API
and the downloads through its `tables`)."""

from wagtail import hooks

from courses.reporting.tabs import ReportTab
from training import attendance


@hooks.register("register_report_tab")
def sessions_tab():
    return ReportTab(
        "sessions",
        "Sessions",
        "training:report_sessions",
        order=40,
        tables=attendance.session_tables,
        declared=attendance.SESSION_TABLES,
        people=attendance.session_people,
    )
