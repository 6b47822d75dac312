"""`cms.bulk.indexes_set_aside` and `empty`: the tallies' rebuilds fill their tables without
indexes on PostgreSQL, and leave no dead rows behind. Afterwards every index and unique constraint must be back as it was, and a
failure half-way must leave them as they were. The indexes are read from the database's own
catalogue, not from the code under test."""

from collections import defaultdict

import pytest
from django.db import IntegrityError, connection, connections, transaction

from cms.bulk import indexes_set_aside
from courses import pairs
from courses.models import PairMark, PairTally

pytestmark = pytest.mark.django_db


def _indexes(model) -> set[tuple[str, str]]:
    """The table's indexes (name, definition) as the database lists them, primary key included."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [table])
        else:
            cursor.execute(
                "SELECT name, COALESCE(sql, '') FROM sqlite_master WHERE type = 'index' AND tbl_name = %s",
                [table],
            )
        return set(cursor.fetchall())


def _names(model) -> set[str]:
    return {name for name, _ in _indexes(model)}


def test_a_rebuild_leaves_every_index_and_constraint_as_it_was(complete):
    for name in ("Ava", "Bea", "Cal"):
        complete(first_name=name)  # completions with both surveys: confidence records
    before = {model: _indexes(model) for model in (PairTally, PairMark)}
    assert "pair_tally_series_next" in _names(PairTally)
    pairs.rebuild()
    assert {model: _indexes(model) for model in (PairTally, PairMark)} == before
    assert PairTally.objects.filter(people__gt=0).exists()
    taken = PairTally.objects.filter(people__gt=0).first()
    taken.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        taken.save()  # the unique constraint is back and holds


def _table_pages(model) -> int:
    """The table's size as the database stores it: pages on PostgreSQL (dead rows included),
    rows elsewhere."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_relation_size(%s)", [model._meta.db_table])
        else:
            cursor.execute(f"SELECT COUNT(*) FROM {model._meta.db_table}")
        return cursor.fetchone()[0]


def test_rebuilding_again_leaves_the_tables_the_size_they_were(complete):
    """A rebuild's deletes would leave every old row in the table (dead until a vacuum, which
    cannot run inside this test's transaction): a second rebuild would double it."""
    for name in ("Ava", "Bea", "Cal", "Dee", "Eve"):
        complete(first_name=name)
    pairs.rebuild()
    sizes = {model: _table_pages(model) for model in (PairTally, PairMark)}
    assert all(sizes.values())
    pairs.rebuild()
    assert {model: _table_pages(model) for model in (PairTally, PairMark)} == sizes


def test_inside_the_block_postgresql_has_only_the_primary_key():
    before = _names(PairTally)
    with transaction.atomic(), indexes_set_aside(PairTally):
        inside = _names(PairTally)
    if connection.vendor == "postgresql":
        assert inside == {"courses_pairtally_pkey"}
    else:
        assert inside == before  # elsewhere nothing is set aside
    assert _names(PairTally) == before


def test_a_failure_half_way_leaves_the_indexes_as_they_were():
    before = _indexes(PairTally)
    with pytest.raises(ZeroDivisionError), transaction.atomic(), indexes_set_aside(PairTally):
        raise ZeroDivisionError("half-way")
    assert _indexes(PairTally) == before


def test_outside_a_transaction_postgresql_refuses(monkeypatch):
    """Without a transaction a failure would leave the table without its indexes for good."""
    before = _indexes(PairTally)
    monkeypatch.setattr(connections["default"], "in_atomic_block", False)
    ran = []
    if connection.vendor == "postgresql":
        with pytest.raises(RuntimeError, match="inside a transaction"), indexes_set_aside(PairTally):
            ran.append(True)
        assert ran == []
    else:
        with indexes_set_aside(PairTally):
            ran.append(True)
        assert ran == [True]
    monkeypatch.undo()
    assert _indexes(PairTally) == before


def test_a_rebuild_stores_the_cells_in_the_order_reports_read_them(complete):
    """Reports read one level's cells for a run of months: stored in counting order they lay one
    to a page (160 ms at a million staff for confidence over 12 months, against 10 ms stored
    together). On PostgreSQL the measures and levels together must lie on about as many pages
    as the table has, not each spread over all of them (a narrow row may still land in room
    left on an earlier page); elsewhere in exact order."""
    for name in ("Ava", "Bea", "Cal", "Dee", "Eve"):
        complete(first_name=name)
    pairs.rebuild()
    table = PairTally._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(f"SELECT measure, level, month FROM {table} ORDER BY rowid")
            stored = cursor.fetchall()
            assert stored == sorted(stored)
            return
        cursor.execute(f"SELECT measure, level, (ctid::text::point)[0] FROM {table}")
        pages = defaultdict(set)
        for measure, level, page in cursor.fetchall():
            pages[measure, level].add(page)
    table_pages = len(set().union(*pages.values()))
    assert len(pages) > 8 and table_pages > 8  # several measures and levels, over many pages
    # Stored together, each group's pages overlap its neighbours' by a page or so; in counting
    # order every group would be on most of the table's pages.
    assert sum(len(held) for held in pages.values()) <= 2 * (table_pages + len(pages))
