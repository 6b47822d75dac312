"""Wagtail hooks for returns (loaded by training.wagtail_hooks)."""

from wagtail import hooks

from courses.reporting.tabs import ReportTab


@hooks.register("register_report_tab")
def returns_report_tab():
    """The returns join the leads' Reports as a tab: the training her agency ran itself."""
    return ReportTab("returns", "Single-agency returns", "training:returns", order=15, keep_filters=False)
