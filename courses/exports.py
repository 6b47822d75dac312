"""CSV and XLSX downloads of report tables, with spreadsheet formula injection neutralised:
a cell that starts with =, +, - or @ (or a tab or carriage return) gets a leading
apostrophe, so Excel shows it as text instead of running it."""

import csv
import io
from collections.abc import Sequence
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook

from courses.reporting.tables import Table

DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(DANGEROUS_STARTS):
        return "'" + value
    return value


def download(tables: Sequence[Table], about: list[list[Any]], filename: str, kind: str) -> HttpResponse:
    """A spreadsheet that says what it is: the `about` block of (label, value) rows (report,
    agencies, period, filters, date made) first, then each table under its title, its headings
    and then its rows and footer, a blank row between."""
    lines = [*about, []]
    for table in tables:
        lines += [[table.title], table.headings, *table.lines(), []]
    lines = [["" if value is None else neutralise(value) for value in line] for line in lines[:-1]]
    if kind == "xlsx":
        book = Workbook()
        sheet = book.active
        sheet.title = "Report"
        for line in lines:
            sheet.append(line)
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        text = io.StringIO()
        csv.writer(text).writerows(lines)
        response = HttpResponse(text.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{kind}"'
    return response
