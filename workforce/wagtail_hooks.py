"""The workforce app's tabs in the leads' Reports."""

from wagtail import hooks

from courses import downloads
from courses.reporting.tabs import ReportTab
from workforce.views import chase, coverage


@hooks.register("register_report_tab")
def workforce_tab():
    """Her staff list or headcount: the denominator of coverage."""
    return ReportTab("workforce", "Your workforce", "workforce:index", order=5, keep_filters=False)


@hooks.register("register_report_tab")
def coverage_tab():
    """Coverage of her workforce on the period's last day, beside the previous period's."""
    return ReportTab("coverage", "Coverage", "workforce:report_coverage", order=8)


@hooks.register("register_report_tab")
def staff_progress_tab():
    return ReportTab("staff-progress", "Staff progress", "workforce:report_staff_progress", order=12)


@hooks.register("register_report_tab")
def trends_tab():
    return ReportTab("trends", "Trends", "workforce:report_trends", order=9)


@hooks.register(downloads.HOOK)
def staff_progress_download():
    return chase.STAFF_PROGRESS_DOWNLOAD


@hooks.register(downloads.HOOK)
def not_covered_download():
    return coverage.NOT_COVERED_DOWNLOAD
