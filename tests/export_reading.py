"""Reading the reports' downloads back, as a person opening them would: the block that says
what the file is, then each table under its title."""

import csv
import io

from openpyxl import load_workbook


def body(response):
    """The download's bytes. A streamed one can be read only once, so its bytes are put back
    for the next reader in the same test."""
    if not response.streaming:
        return response.content
    content = b"".join(response.streaming_content)
    response.streaming_content = [content]
    return content


def read_export(response):
    """{"about": {label: value}, "tables": {title: [headings, *rows]}, "filename": ...}, cells
    as text, from a CSV or XLSX download."""
    if response["Content-Type"].startswith("text/csv"):
        lines = list(csv.reader(io.StringIO(body(response).decode())))
    else:
        sheet = load_workbook(io.BytesIO(body(response))).active
        lines = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    blocks, block = [], []
    for line in lines + [[]]:
        if any(line):
            block.append([value for value in line])
        elif block:
            blocks.append(block)
            block = []
    about, *tables = blocks

    def cells(row, width):  # a spreadsheet pads every row to its widest one
        return (row + [""] * width)[:width]

    filename = response["Content-Disposition"].split('filename="')[1].rstrip('"')
    return {
        "about": {label: value for label, value, *_ in about},
        "tables": {
            title: [cells(row, len(headings)) for row in [headings, *rows]]
            for (title, *_), headings, *rows in ([t[0], [h for h in t[1] if h], *t[2:]] for t in tables)
        },
        "filename": filename,
    }
