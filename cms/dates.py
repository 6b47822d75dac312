"""Calendar arithmetic the site shares: refresher expiry dates and content review dates."""

import calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    """`day` plus whole calendar months, clamped to the month's end (31 Jan + 1 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))
