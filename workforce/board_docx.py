"""The board pack as a Word document (python-docx): the PDF's sections as real Word headings
and plain tables (style "Table Grid"), so a partnership can paste them into its own template.
The trend chart is given as its table of figures."""

import io

from docx import Document
from docx.shared import Cm, Pt

from courses.reporting.tables import Table
from courses.reports import british
from workforce.board_pack import BoardPack

TABLE_STYLE = "Table Grid"


def cell_text(cell) -> str:
    if cell.missing:
        return cell.empty
    value = str(cell.value)
    return (value[:1].upper() + value[1:]) + (cell.unit or "")


def add_table(document, table: Table) -> None:
    document.add_heading(table.title, level=3)
    if table.definition:
        document.add_paragraph(table.definition)
    rows = table.page_rows + table.page_footer
    grid = document.add_table(rows=1 + max(len(rows), 1), cols=len(table.columns))
    grid.style = TABLE_STYLE
    for cell, heading in zip(grid.rows[0].cells, table.headings, strict=True):
        cell.text = heading
        cell.paragraphs[0].runs[0].bold = True
    if not rows:
        merged = grid.rows[1].cells[0].merge(grid.rows[1].cells[-1])
        merged.text = table.empty
    for grid_row, row in zip(grid.rows[1:], rows, strict=False):
        for cell, value in zip(grid_row.cells, row, strict=False):
            cell.text = cell_text(value)


def document(pack: BoardPack) -> bytes:
    doc = Document()
    doc.styles["Normal"].font.size = Pt(10)
    if pack.logo:
        with pack.logo.file.open("rb") as image:
            doc.add_picture(io.BytesIO(image.read()), width=Cm(6))
    doc.add_paragraph(pack.partnership)
    doc.add_heading("Child sexual abuse training: board pack", level=0)
    doc.add_paragraph(f"{pack.quarter_label} ({pack.quarter.label})")
    doc.add_paragraph(f"All agencies. Made on {british(pack.made_on)}.")

    doc.add_page_break()
    doc.add_heading("Key messages", level=1)
    for message in pack.messages:
        doc.add_paragraph(message, style="List Bullet")

    rolling = pack.rolling.label + "." if pack.rolling else pack.rolling_problem
    notes = {
        "Coverage against target": [f"Measured on {british(pack.day)}.", pack.rule],
        "Trends over the last 8 quarters": [pack.chart["title"] + ": the chart's figures are in the tables."],
        "Confidence before and after": [pack.rolling_note, rolling]
        + ([pack.confidence["overall"].note] if pack.confidence else []),
        "Knowledge before and after": [rolling],
        "What staff miss": [rolling],
        "Refreshers overdue": [f"On {british(pack.made_on)}."],
        "Appendix: training numbers for the quarter": [pack.quarter.label + "."],
    }
    for title, tables in pack.sections():
        doc.add_heading(title, level=1)
        for note in notes.get(title, []):
            doc.add_paragraph(note)
        for table in tables:
            add_table(doc, table)
    output = io.BytesIO()
    doc.save(output)
    return output.getvalue()
