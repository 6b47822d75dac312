"""The leads' Reports tabs, as the apps register them (`courses.reporting.tabs`)."""

from django import template

from courses.reporting.tabs import ReportTab, report_tabs

register = template.Library()


@register.simple_tag
def report_nav_tabs() -> list[ReportTab]:
    return report_tabs()
