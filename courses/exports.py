"""CSV and XLSX downloads of report tables, with spreadsheet formula injection neutralised:
a cell that starts with =, +, - or @ (or a tab or carriage return) gets a leading
apostrophe, so Excel shows it as text instead of running it."""

import csv
import io
from collections.abc import Sequence
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook

DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(DANGEROUS_STARTS):
        return "'" + value
    return value


def download(
    tables: Sequence[tuple[str, list[str], list[list[Any]]]], about: list[list[Any]], filename: str, kind: str
) -> HttpResponse:
    """A spreadsheet that says what it is: the `about` block of (label, value) rows (report,
    agencies, period, filters, date made) first, then each (title, headings, rows) table under
    its title, a blank row between. `rows` hold plain values in the order of `headings`."""
    lines = [*about, []]
    for title, headings, rows in tables:
        lines += [[title], headings, *rows, []]
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
