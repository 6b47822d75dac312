"""Loading many rows at once: `BulkWriter` writes plain values straight into a table (COPY on
PostgreSQL), `empty` clears a table to be filled again, and `indexes_set_aside` takes a
table's indexes and keys away while it is filled and makes them again after, which is several
times faster than keeping them up to date row by row, and `runs_of_ids` reads a table a run of
rows at a time. Used by the synthetic scale data and by the tallies' rebuilds, whose rows run
to millions at a hundred thousand staff.

Each of those works a chunk at a time so that its memory stays that of one chunk, and calls
`django.db.reset_queries()` between chunks: under DEBUG (the development settings) Django keeps
the SQL of each connection's last 9,000 queries: 11 MB of the pairs' recount at 100,000 staff,
and about ten times that at a million."""

import json
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection
from django.db.models import JSONField, Max, Q, QuerySet


class BulkWriter:
    """Writes rows of plain values straight into a model's table: PostgreSQL's COPY, or
    executemany elsewhere. Nothing is read back and no `save()` runs.

    Each row gives the named columns (attribute names, `learner_id`); every other column gets
    its field's default, or `now` for the times Django fills in on saving. JSON columns take
    JSON text, made once by the caller rather than once per row."""

    def __init__(self, now):
        self.now = now

    def __call__(self, model, columns, rows):
        fields = {field.attname: field for field in model._meta.concrete_fields}
        given = [fields[name] for name in columns]
        others = [field for name, field in fields.items() if name not in columns and not field.primary_key]
        filled = tuple(self._default(field) for field in others)
        table = connection.ops.quote_name(model._meta.db_table)
        names = ", ".join(connection.ops.quote_name(field.column) for field in [*given, *others])
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row + filled)
                return
            prepare = [self._preparer(field) for field in [*given, *others]]
            values = [[p(v) for p, v in zip(prepare, row + filled, strict=True)] for row in rows]
            if values:
                placeholders = ", ".join(["%s"] * len(prepare))
                cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", values)

    def _default(self, field):
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            return self.now
        value = field.get_default()
        return json.dumps(value) if isinstance(field, JSONField) else value

    @staticmethod
    def _preparer(field):
        """How a plain value is written by executemany: JSON is text already."""
        if isinstance(field, JSONField):
            return lambda value: value
        return lambda value: field.get_db_prep_save(value, connection)

    @staticmethod
    def ids(model, count):
        """`count` ids for new rows, for a caller that holds the table locked
        (`indexes_set_aside`). On PostgreSQL a run taken from the table's sequence at once: its
        next value, and the sequence moved on past the run. (One `nextval` per row took 12 s of
        the 100,000 staff's load.) No INSERT can take a value in between, since an INSERT
        locks the table before it asks the sequence. Elsewhere after the highest id (SQLite
        holds the write lock for the transaction)."""
        if count < 1:
            return []
        if connection.vendor == "postgresql":
            table, column = model._meta.db_table, model._meta.pk.column
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column])
                (sequence,) = cursor.fetchone()
                cursor.execute("SELECT nextval(%s)", [sequence])
                (first,) = cursor.fetchone()
                cursor.execute("SELECT setval(%s, %s)", [sequence, first + count - 1])
                return list(range(first, first + count))
        highest = model.objects.aggregate(highest=Max("pk"))["highest"] or 0
        return list(range(highest + 1, highest + 1 + count))


def runs_of_ids(rows: QuerySet, size: int) -> Iterator[Q]:
    """The rows a query selects, `size` at a time in the order of their ids, each run given as
    a condition on the ids from its first to its last (add the query's own conditions for the
    rows in between that it does not select). PostgreSQL reads a run of ids by an index as
    quickly as a list; the driver need not pass thousands of parameters (a quarter of the
    pairs' reading time), nor the caller hold every id."""
    last = None
    ids = rows.order_by("pk").values_list("pk", flat=True)
    while run := list((ids if last is None else ids.filter(pk__gt=last))[:size]):
        yield Q(pk__gte=run[0], pk__lte=run[-1])
        last = run[-1]


def empty(*models):
    """Every row of the tables gone, in the caller's transaction. On PostgreSQL by TRUNCATE:
    DELETE leaves each old row in the table, dead, for scans and index builds to read past
    until a vacuum (after a few rebuilds the pairs' tally table was five times the size of its
    rows, and building its indexes took twice as long). TRUNCATE keeps the tables locked
    against readers too until the transaction ends, so use it where the caller holds that lock
    anyway (`indexes_set_aside`). Elsewhere by DELETE."""
    if connection.vendor != "postgresql":
        for model in models:
            model.objects.all().delete()
        return
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(connection.ops.quote_name(m._meta.db_table) for m in models)}")


@contextmanager
def indexes_set_aside(*models):
    """On PostgreSQL, inside the caller's transaction: the tables' secondary indexes, unique
    constraints and foreign keys (not their primary keys) dropped while the block fills them,
    then made again from their stored definitions, whatever migration made them. Making a
    foreign key again checks every row in one join; kept, it queues a check for each row
    written, run one by one at commit (at 20,000 synthetic staff, half the load's time).

    The tables stay locked until the transaction ends, so other writers wait rather than see a
    table without its unique constraint; empty them inside the block, after the lock, not
    before it. Checks the transaction still owes are run first (a table with checks pending
    cannot be altered), and every foreign key is deferred to the commit again after the block,
    as Django makes them. Elsewhere the block runs as it is."""
    if connection.vendor != "postgresql":
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("Set indexes aside only inside a transaction.")
    quote = connection.ops.quote_name
    set_aside = []  # (drop, make) statements
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        # Every table locked at once, first, in the order given: a writer holding one of them
        # finishes before the block starts, rather than the two waiting on each other.
        tables = ", ".join(quote(model._meta.db_table) for model in models)
        cursor.execute(f"LOCK TABLE {tables} IN ACCESS EXCLUSIVE MODE")
        keys = []  # foreign keys, made again last: after the indexes that make checking them quick
        for model in models:
            table = model._meta.db_table
            cursor.execute(
                "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype IN ('u', 'f') ORDER BY conname",
                [table],
            )
            for name, kind, definition in cursor.fetchall():
                alter = f"ALTER TABLE {quote(table)}"
                drop = f"{alter} DROP CONSTRAINT {quote(name)}"
                make = f"{alter} ADD CONSTRAINT {quote(name)} {definition}"
                (keys if kind == "f" else set_aside).append((drop, make))
            cursor.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() "
                "AND i.tablename = %s AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
                "WHERE c.conrelid = %s::regclass AND c.conname = i.indexname)",
                [table, table],
            )
            set_aside += [(f"DROP INDEX {quote(name)}", definition) for name, definition in cursor.fetchall()]
        set_aside += keys
        for drop, _ in set_aside:
            cursor.execute(drop)
    yield
    with connection.cursor() as cursor:
        for _, make in set_aside:
            cursor.execute(make)
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
