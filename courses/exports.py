"""CSV and XLSX downloads of report tables, with spreadsheet formula injection neutralised:
a cell that starts with =, +, - or @ (or a tab or carriage return) gets a leading
apostrophe, so Excel shows it as text instead of running it.

Every download is written by one writer, a row at a time: a CSV is streamed to the browser
as it is written (its first byte leaves before the last row is read); an XLSX is written in
openpyxl's write-only mode to a temporary file, which is sent and then removed. Memory stays
flat however many rows there are, so the staff lists of 100,000 people go the same way as a
table of twelve months. `courses.downloads` writes the same files in the background."""

import csv
import itertools
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

from django.db.models import Model, QuerySet
from django.http import FileResponse, HttpResponseBase, StreamingHttpResponse
from openpyxl import Workbook

from courses.reporting.tables import Listing, Table

DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
}
BATCH = 2000  # rows read from the database at a time
CSV_CHUNK = 500  # CSV rows sent to the browser at a time


def neutralise(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(DANGEROUS_STARTS):
        return "'" + value
    return value


def in_batches(queryset: QuerySet, size: int = BATCH) -> Iterator[list[Any]]:
    """The queryset's rows, `size` at a time, read with `.iterator()` (a server-side cursor on
    PostgreSQL), so that a list of every member of staff is never all in memory; a batch is
    what one further query (the completions of those people, say) can be asked about."""
    rows = queryset.iterator(chunk_size=size)
    while batch := list(itertools.islice(rows, size)):
        yield batch
        for item in batch:
            # select_related caches each side of a one-to-one on the other (a profile and its
            # user): a reference cycle, which only the rare full garbage collection frees.
            # Dropping the cache lets each batch go as soon as it has been written.
            if isinstance(item, Model):
                item._state.fields_cache.clear()


def lines(tables: Sequence[Table | Listing], about: list[list[Any]]) -> Iterator[list[Any]]:
    """A spreadsheet that says what it is: the `about` block of (label, value) rows (report,
    agencies, period, filters, date made) first, then each table under its title, its headings
    and then its rows and footer, a blank row between; every cell neutralised."""
    blocks = [about]
    for table in tables:
        blocks.append(itertools.chain([[table.title], table.headings], table.lines()))
    for number, block in enumerate(blocks):
        if number:
            yield []
        for line in block:
            yield ["" if value is None else neutralise(value) for value in line]


class _Echo:
    """csv.writer's file that hands back what is written, to be sent at once."""

    def write(self, text: str) -> str:
        return text


def csv_chunks(rows: Iterable[list[Any]]) -> Iterator[bytes]:
    """The CSV as UTF-8, a few hundred rows at a time."""
    writer = csv.writer(_Echo())
    rows = iter(rows)
    while chunk := list(itertools.islice(rows, CSV_CHUNK)):
        yield "".join(writer.writerow(row) for row in chunk).encode()


def write_xlsx(rows: Iterable[list[Any]], file: IO[bytes]) -> None:
    """The rows as one sheet, "Report", in openpyxl's write-only mode (rows go to disk as they
    are appended, not into a workbook held in memory)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Report")
    for row in rows:
        sheet.append(row)
    book.save(file)


def write_csv(rows: Iterable[list[Any]], file: IO[bytes]) -> None:
    for chunk in csv_chunks(rows):
        file.write(chunk)


WRITERS = {"csv": write_csv, "xlsx": write_xlsx}


@dataclass
class Prepared:
    """A download ready to be made: what it is (`title`, for the audit log and "Your downloads"),
    its file name, how many rows it has (whether it is made in the background), `write` (the
    whole file to a binary file), and `audit` (logs who is in it, when it is made). Nothing is
    read from the database until it is written or sent."""

    title: str
    filename: str
    rows: int
    write: Callable[[IO[bytes]], None]
    audit: Callable[[], None] = lambda: None
    stream: Callable[[], Iterator[bytes]] | None = None  # sent as it is written, if it can be

    @property
    def kind(self) -> str:
        return self.filename.rsplit(".", 1)[-1]

    def response(self) -> HttpResponseBase:
        """The file for the browser: streamed as it is written (CSV), or written to a temporary
        file that is sent and then removed (XLSX, ZIP: their format needs the whole file)."""
        if self.stream:
            response = StreamingHttpResponse(self.stream(), content_type=CONTENT_TYPES[self.kind])
            response["Content-Disposition"] = f'attachment; filename="{self.filename}"'
            return response
        scratch = tempfile.TemporaryFile()  # removed when the response closes it
        try:
            self.write(scratch)
            scratch.seek(0)
        except BaseException:
            scratch.close()
            raise
        return FileResponse(
            scratch, as_attachment=True, filename=self.filename, content_type=CONTENT_TYPES[self.kind]
        )


def spreadsheet(
    title: str,
    tables: Sequence[Table | Listing],
    about: list[list[Any]],
    filename: str,
    kind: str,
    rows: int = 0,
    audit: Callable[[], None] = lambda: None,
) -> Prepared:
    """`tables` under their `about` block as a CSV or XLSX named `filename`.`kind`."""
    writer = WRITERS[kind]
    return Prepared(
        title=title,
        filename=f"{filename}.{kind}",
        rows=rows,
        write=lambda file: writer(lines(tables, about), file),
        audit=audit,
        stream=(lambda: csv_chunks(lines(tables, about))) if kind == "csv" else None,
    )


def download(tables: Sequence[Table], about: list[list[Any]], filename: str, kind: str) -> HttpResponseBase:
    """A download of small tables (figures about groups, not lists of people), sent at once."""
    return spreadsheet(filename, tables, about, filename, kind).response()
