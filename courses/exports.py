"""CSV and XLSX downloads of report tables, with spreadsheet formula injection neutralised:
a cell that starts with =, +, - or @ (or a tab or carriage return) gets a leading
apostrophe, so Excel shows it as text instead of running it."""

import csv
import io

from django.http import HttpResponse
from openpyxl import Workbook

DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    if isinstance(value, str) and value.startswith(DANGEROUS_STARTS):
        return "'" + value
    return value


def download(rows, headings, name, kind):
    """`rows`: lists of plain values in the order of `headings`."""
    rows = [[neutralise(value) for value in row] for row in rows]
    if kind == "xlsx":
        book = Workbook()
        sheet = book.active
        sheet.title = name[:31]
        sheet.append(headings)
        for row in rows:
            sheet.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(headings)
    writer.writerows(rows)
    response = HttpResponse(text.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response
