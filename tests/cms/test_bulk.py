"""`cms.bulk.indexes_set_aside` and `empty`: the tallies' rebuilds and the synthetic scale data
fill their tables without indexes and keys on PostgreSQL, and leave no dead rows behind.
Afterwards every index, unique constraint and foreign key must be back as it was, checking the
rows written meanwhile, and a failure half-way must leave them as they were. The indexes and
keys are read from the database's own catalogue, not from the code under test.

They work a chunk at a time (the recounts read people by `runs_of_ids`), so that their memory
stays that of one chunk however many staff there are, Django's debug record of queries included."""

import io
from collections import defaultdict

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, connections, transaction
from django.utils import timezone

from cms.bulk import BulkWriter, indexes_set_aside, runs_of_ids
from cms.models import Agency
from content_fixtures.management.commands import seed_scale
from courses import pairs
from courses.models import LearnerProfile, PairMark, PairTally
from tests.factories import make_learner
from workforce import tallies

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


def _keys(model) -> set[tuple[str, str]]:
    """The table's foreign keys (name, definition) as PostgreSQL lists them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f'",
            [model._meta.db_table],
        )
        return set(cursor.fetchall())


def _write_profile(user_id: int, agency_id: int) -> None:
    """A profile row written straight into the table, as the bulk loads write (no checks in Python)."""
    now = timezone.now()
    columns = ("user_id", "agency_id", "job_role", "privacy_accepted_at")
    BulkWriter(now)(LearnerProfile, columns, [(user_id, agency_id, "teacher", now)])


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="foreign keys are set aside on PostgreSQL only"
)


@postgresql_only
def test_foreign_keys_are_set_aside_and_made_again_as_they_were(django_user_model):
    before = _keys(LearnerProfile)
    assert {"user_id", "agency_id"} <= {d.split("(")[1].split(")")[0] for _, d in before}
    agency = Agency.objects.create(name="Keys housing", code="keys-housing")
    user = django_user_model.objects.create(username="keys@example.org")
    with transaction.atomic(), indexes_set_aside(LearnerProfile):
        assert _keys(LearnerProfile) == set()
        _write_profile(user.pk, agency.pk)
    assert _keys(LearnerProfile) == before
    assert all("DEFERRABLE INITIALLY DEFERRED" in definition for _, definition in before)


@postgresql_only
def test_rows_written_meanwhile_are_checked_when_the_keys_are_made_again():
    agency = Agency.objects.create(name="Dangling housing", code="dangling-housing")
    before = _keys(LearnerProfile)
    with pytest.raises(IntegrityError, match="user_id"), transaction.atomic():
        with indexes_set_aside(LearnerProfile):
            _write_profile(987654321, agency.pk)  # no such account
    assert _keys(LearnerProfile) == before  # the failure rolled the drops back
    assert not LearnerProfile.objects.filter(user_id=987654321).exists()


@postgresql_only
def test_after_the_block_keys_are_checked_at_commit_again_as_django_makes_them(django_user_model):
    """Checks owed before the block are run before it (a table with checks pending cannot be
    altered); afterwards a dangling row is only found when the transaction's checks run."""
    agency = Agency.objects.create(name="Deferred housing", code="deferred-housing")
    with transaction.atomic():
        user = django_user_model.objects.create(username="owed@example.org")
        _write_profile(user.pk, agency.pk)  # its key's check is owed until the commit
        with indexes_set_aside(LearnerProfile):
            pass
        _write_profile(987654321, agency.pk)  # deferred: no error yet
        with pytest.raises(IntegrityError, match="user_id"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        with connection.cursor() as cursor:  # the test's own end checks every key owed
            cursor.execute("DELETE FROM courses_learnerprofile WHERE user_id = 987654321")
        assert user.pk


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


def test_ids_taken_for_a_load_are_new_and_no_later_row_is_given_one(django_user_model):
    """Ids are taken as one run (on PostgreSQL the sequence moved on past it): every id is one
    no row had, the rows written with them refer to each other, and an account made the
    ordinary way afterwards gets an id after the run rather than one of it."""
    earlier = django_user_model.objects.create(username="earlier@example.org")
    with transaction.atomic(), indexes_set_aside(django_user_model):
        taken = BulkWriter.ids(django_user_model, 5)
        assert BulkWriter.ids(django_user_model, 0) == []
        BulkWriter(timezone.now())(
            django_user_model, ("id", "username"), [(pk, f"run{pk}@example.org") for pk in taken]
        )
    assert len(set(taken)) == 5 and min(taken) > earlier.pk
    written = django_user_model.objects.filter(username__startswith="run").values_list("pk", flat=True)
    assert sorted(written) == sorted(taken)
    later = django_user_model.objects.create(username="later@example.org")
    assert later.pk > max(taken)


def test_runs_of_ids_give_each_row_chosen_once_a_run_at_a_time(django_user_model):
    made = [django_user_model.objects.create(username=f"run{n}") for n in range(10)]
    made[2].delete()
    made[5].delete()  # gaps in the ids
    chosen = django_user_model.objects.filter(username__startswith="run").exclude(username="run7")
    expected = sorted(user.pk for n, user in enumerate(made) if n not in (2, 5, 7))
    runs = [sorted(chosen.filter(run).values_list("pk", flat=True)) for run in runs_of_ids(chosen, 3)]
    assert runs == [expected[0:3], expected[3:6], expected[6:]]
    assert list(runs_of_ids(chosen.none(), 3)) == []


def _scale_staff(monkeypatch):
    monkeypatch.setattr(seed_scale, "BATCH", 1)
    call_command("seed_scale", staff=6, remove=True, stdout=io.StringIO())


def _pairs(monkeypatch):
    monkeypatch.setattr(pairs, "CHUNK", 1)
    pairs.rebuild()


def _coverage(monkeypatch):
    monkeypatch.setattr(tallies, "CHUNK", 1)
    tallies.rebuild()


@pytest.mark.parametrize("load", [_scale_staff, _pairs, _coverage], ids=["seed_scale", "pairs", "coverage"])
def test_under_debug_a_long_load_keeps_the_queries_of_its_last_chunk_not_all(
    settings, monkeypatch, complete, load
):
    """Under DEBUG Django keeps the SQL of each connection's last 9,000 queries: 11 MB of the
    pairs' recount at 100,000 staff (measured with tracemalloc), about ten times that at a
    million, until each chunk emptied it."""
    for name in ("Ava", "Bea", "Cal", "Dee", "Eve", "Fay"):
        complete(first_name=name)
        make_learner("police", first_name=f"{name}-2")
    settings.DEBUG = True
    ran = []
    with connection.execute_wrapper(lambda execute, *args: ran.append(1) or execute(*args)):
        load(monkeypatch)
    assert len(ran) > 60  # six or more chunks of several queries each
    assert len(connection.queries) < len(ran) / 3
