"""Report tables: declared once with their columns, filled with rows for a scope, and then
rendered, exported and served from the same object."""

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any, NamedTuple

from courses.statistics import FEWER_THAN_FIVE


@dataclass(frozen=True)
class Column:
    """One column of a report table. `value` reads its cell from whatever a row is made from
    (by default the item `key` of a dict); `type` is what its figures are (int, float or str),
    any of which may be withheld as "fewer than 5" or missing (None or ""). On the page (and in
    the PDF and Word documents) figures have thousands separated by commas and, with `places`,
    that many decimal places (an effect size of 0.80 beside 0.77, not 0.8); downloads and the
    API keep the plain numbers."""

    key: str
    heading: str
    definition: str = ""
    type: type = str
    value: Callable[[Any], Any] | None = None
    link: Callable[[Any], str] | None = None  # the page links the cell there
    unit: str = ""  # after a figure on the page, e.g. "%"
    empty: str = "–"  # on the page for a missing figure
    places: int | None = None  # decimal places on the page

    def read(self, item: Any) -> Any:
        return self.value(item) if self.value else item[self.key]

    def shown(self, value: Any) -> Any:
        """A cell's value as the page shows it."""
        if self.type is str or isinstance(value, bool) or not isinstance(value, int | float):
            return value
        if self.places is not None:
            return f"{value:,.{self.places}f}"
        return f"{value:,}"


@dataclass(frozen=True)
class Row:
    """A row's values in column order, and where the page links each ("" for no link)."""

    values: tuple
    links: tuple


class Cell(NamedTuple):
    """A cell as the page shows it."""

    value: Any
    missing: bool
    header: bool = False
    link: str = ""
    unit: str = ""
    empty: str = "–"
    colspan: int = 1


@dataclass(frozen=True)
class Table:
    """A report table: declared once with its columns (no rows), then `fill`ed for a scope.

    `definition` says what the table counts; `empty` is what the page says when there are no
    rows. `footer` rows (totals) follow the rows everywhere. With `row_headers` the first cell
    of each row is its heading on the page."""

    key: str
    title: str
    columns: tuple[Column, ...]
    definition: str = ""
    empty: str = "None."
    row_headers: bool = True
    rows: tuple[Row, ...] = ()
    footer: tuple[Row, ...] = ()

    def fill(self, items: Iterable[Any], footer: Iterable[Any] = (), **changes: Any) -> "Table":
        """This table with a row for each item (and each footer item), in column order."""
        return replace(self, rows=self._rows(items), footer=self._rows(footer), **changes)

    def _rows(self, items: Iterable[Any]) -> tuple[Row, ...]:
        return tuple(
            Row(
                tuple(column.read(item) for column in self.columns),
                tuple(column.link(item) if column.link else "" for column in self.columns),
            )
            for item in items
        )

    @property
    def headings(self) -> list[str]:
        return [column.heading for column in self.columns]

    def lines(self) -> list[list[Any]]:
        """The rows and then the footer, as plain values in column order (for the downloads)."""
        return [list(row.values) for row in (*self.rows, *self.footer)]

    def listing(self, items: Iterable[Any]) -> "Listing":
        """This table for a download of many rows, each read from its item only as it is written."""
        return Listing(self, items)

    def api_records(self, rows: Sequence[Row] | None = None) -> list[dict[str, Any]]:
        """The rows as the API serves them: one object per row, keyed by column, "" as null."""
        return [
            {
                column.key: None if value == "" else value
                for column, value in zip(self.columns, row.values, strict=True)
            }
            for row in (self.rows if rows is None else rows)
        ]

    @cached_property
    def page_rows(self) -> list[list[Cell]]:
        return [self._cells(row) for row in self.rows]

    @cached_property
    def page_footer(self) -> list[list[Cell]]:
        return [self._cells(row, footer=True) for row in self.footer]

    def _cells(self, row: Row, footer: bool = False) -> list[Cell]:
        cells = []
        each = zip(self.columns, row.values, row.links, strict=True)
        for position, (column, value, link) in enumerate(each):
            header = position == 0 and (footer or self.row_headers)
            shown = column.shown(value)
            cells.append(Cell(shown, value in (None, ""), header, link, column.unit, column.empty))
        figures = row.values[1:]
        if len(figures) > 1 and all(value == FEWER_THAN_FIVE for value in figures):
            # A group withheld whole: one cell says so instead of a row of "fewer than 5".
            return [cells[0], Cell(f"{FEWER_THAN_FIVE} people", False, colspan=len(figures))]
        return cells


@dataclass(frozen=True)
class Listing:
    """A table's rows for a download of every person in a scope (staff, who is not covered):
    `items` is read once, as the file is written, so that 100,000 people are never all in
    memory. It is written like a filled `Table` (title, headings, lines)."""

    table: Table
    items: Iterable[Any]

    @property
    def title(self) -> str:
        return self.table.title

    @property
    def headings(self) -> list[str]:
        return self.table.headings

    def lines(self) -> Iterator[list[Any]]:
        columns = self.table.columns
        return ([column.read(item) for column in columns] for item in self.items)
