"""The leads' Reports are the tabs the apps register with the `register_report_tab` hook
(Wagtail's hook registry), in the way Wagtail's own `register_admin_menu_item` works: an app
adds a report without another app naming it or overriding its templates."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from wagtail import hooks

from courses.reporting.tables import Table

REPORT_TAB_HOOK = "register_report_tab"


@dataclass(frozen=True)
class ReportTab:
    """A tab of the leads' Reports, registered by the app that draws it:

        @hooks.register("register_report_tab")
        def insight_tab():
            return ReportTab("what-staff-miss", "What staff miss", "quizzes:report_insight", order=30, ...)

    `keep_filters` carries the period and filters to the tab. A tab with `tables` (a function of
    agencies, period, course and job role returning `Table`s, declared in `declared`) is also
    served by the API at /api/v1/reports/<key>; `whole_months` and `people` (whom the figures
    are about, for `reports.few_left_out`) say how its figures are protected."""

    key: str
    label: str
    url_name: str
    order: int = 100
    keep_filters: bool = True
    tables: Callable[..., list[Table]] | None = None
    declared: tuple[Table, ...] = ()
    whole_months: bool = False
    people: Callable[..., int] | None = None

    @property
    def url(self) -> str:
        return reverse(self.url_name)


def report_tabs() -> list[ReportTab]:
    """Every registered tab, in order."""
    return sorted((make() for make in hooks.get_hooks(REPORT_TAB_HOOK)), key=lambda tab: tab.order)
