"""Keeping the confidence and knowledge tallies (`courses.models.tallies`) true as records are
written, and reading them.

Both reports count each person once, with her latest qualifying record in the scope and the
period: "latest" orders her records by their time and then their id (a completion's
`completed_at`, an attempt's `submitted_at`), so two records at the same moment still have an
order. A measure (`Measure`, registered with `register`) says which records qualify and the
(x, y) pairs each gives per series; this module does the rest the same way for every measure:

- `recount(learner_ids)`: take away what the people's stored marks added, read their records
  again, store the new marks and add them, in the caller's transaction and with the people's
  user rows locked (two writes for one person queue up rather than both taking her old marks
  away). Every write that can change someone's figures calls it: a completion recorded, a
  survey submitted (its responses are bulk-created, so no signal would see them), a quiz
  attempt or knowledge check marked, an attempt or completion deleted, a change of the job
  role on a profile (knowledge counts the role she has now).
- `rebuild()`: every mark and tally from nothing (`rebuild_summaries`, the demo and scale
  data, and the migration that added the tables). Writes round the model layer
  (`QuerySet.update` of a completion's time, bulk loads) must be followed by it.

Anonymisation and revoking a certificate change no record, rating or job role, so they leave
the tallies as they are.

Counts go in with INSERT ... ON CONFLICT DO UPDATE SET people = people + excluded.people
(SQLite and PostgreSQL alike), so two people recounted at the same moment each add their own.
"""

import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from itertools import product
from typing import Any, NamedTuple

from django.contrib.auth import get_user_model
from django.db import connection, reset_queries, transaction
from django.db.models import Count, Min, Q, QuerySet, Sum
from django.utils import timezone

from cms.bulk import BulkWriter, empty, indexes_set_aside, runs_of_ids
from cms.models import Agency
from courses.models import CoursePage, PairMark, PairTally
from courses.models.tallies import CELL

# A record whose person has no later record in the scope: "next" never comes.
NEVER = date(9999, 12, 1)
# A rating or score that is missing (the pair is left out of the comparison, not the people).
MISSING = -1.0
# The scopes "next" is looked for in: (the record's own agency?, own course?, own job role?).
# A level's number is its place here.
LEVELS = tuple(product((True, False), repeat=3))
# Every measure's count of people: one row per record, whatever pairs it gives.
PEOPLE = "people"
BATCH = 200  # tally rows per upsert statement (at most 12 parameters each)
CHUNK = 5000  # people per read when rebuilding
INSERTS = 5000  # tally rows per insert when rebuilding


@dataclass
class Record:
    """One qualifying record, with the pairs it gives: (series, key, x, y), x or y None when missing."""

    source: int
    learner: int
    agency: int
    course: int
    job_role: str
    time: datetime
    pairs: list[tuple[str, str, Any, Any]]


class Measure:
    """A report counted from the tallies: its name, the series it gives by agency ("Overall,
    by agency"), and `records(learner_ids)`, its qualifying records with their pairs (every
    person's when `learner_ids` is None; a list of ids, or a query of user ids, which a
    rebuild gives as a run of ids rather than thousands of parameters)."""

    name = ""
    by_agency = frozenset({"overall"})

    def records(self, learner_ids: list[int] | QuerySet | None) -> Iterable[Record]:
        raise NotImplementedError


MEASURES: dict[str, Measure] = {}


def register(measure: Measure) -> Measure:
    MEASURES[measure.name] = measure
    return measure


# -- writing ----------------------------------------------------------------------------------


class Mark(NamedTuple):
    """What a record adds to the tallies, as stored in `PairMark` (the rebuild writes millions,
    too many to make each a model instance)."""

    measure: str
    source: int
    learner: int
    agency: int
    course: int
    job_role: str
    month: date
    following: list[str]  # per level, the ISO date of the month of her next record in its scope
    pairs: list[tuple]


NEVER_AT_ANY_LEVEL = [NEVER.isoformat()] * len(LEVELS)


def _marks(learner_ids: list[int] | QuerySet | None) -> list[Mark]:
    """The marks the people's records give now: each with its month and, per level, the
    month of the same person's next record in that level's scope."""
    zone = timezone.get_default_timezone()
    marks = []
    for measure in MEASURES.values():
        by_learner = defaultdict(list)
        for record in measure.records(learner_ids):
            by_learner[record.learner].append(record)
        for records in by_learner.values():
            records.sort(key=lambda r: (r.time, r.source))
            months = [timezone.localtime(r.time, zone).date().replace(day=1) for r in records]
            following = [NEVER_AT_ANY_LEVEL] if len(records) == 1 else _following(records, months)
            marks.extend(
                Mark(
                    measure.name,
                    record.source,
                    record.learner,
                    record.agency,
                    record.course,
                    record.job_role,
                    month,
                    after,
                    [*sorted(record.pairs, key=_series_and_key), (PEOPLE, "", 0, 0)],
                )
                for record, month, after in zip(records, months, following, strict=True)
            )
    return marks


def _following(records: list[Record], months: list[date]) -> list[list[str]]:
    """Per record (in time order) and level, the month of the person's next record in that
    level's scope (`NEVER` when none comes)."""
    following = [[] for _ in records]
    for own in LEVELS:
        seen = {}  # scope -> month of the latest record after this one
        for position in range(len(records) - 1, -1, -1):
            record = records[position]
            scope = tuple(
                value if mine else None
                for value, mine in zip((record.agency, record.course, record.job_role), own, strict=True)
            )
            following[position].append(seen.get(scope, NEVER).isoformat())
            seen[scope] = months[position]
    return following


def _series_and_key(pair):
    """A record's pairs in one order (one pair per series and key), so that a mark is stored
    the same whatever order the database returned its rows in."""
    return pair[:2]


def _cells(marks: Iterable[Mark | PairMark], sign: int = 1) -> Counter:
    """What the marks add to the tallies (`sign=-1`: take away), per cell (`CELL`)."""
    counts = Counter()
    for mark in marks:
        by_agency = MEASURES[mark.measure].by_agency
        for level, (own_agency, own_course, own_role) in enumerate(LEVELS):
            next_month = date.fromisoformat(mark.following[level])
            course = mark.course if own_course else 0
            job_role = mark.job_role if own_role else ""
            for series, key, x, y in mark.pairs:
                agency = mark.agency if own_agency or series in by_agency else 0
                x = MISSING if x is None else float(x)
                y = MISSING if y is None else float(y)
                cell = (
                    mark.measure,
                    level,
                    agency,
                    course,
                    job_role,
                    mark.month,
                    next_month,
                    series,
                    key,
                    x,
                    y,
                )
                counts[cell] += sign
    return counts


def add_counts(model, cell: tuple[str, ...], counts: Counter, count: str = "people") -> None:
    """Add `counts` ({cell values: n}) to `model`'s rows, whose unique key is the fields
    `cell`, in the field `count`, making the rows that are new. Two transactions adding to the
    same row each add their own (INSERT ... ON CONFLICT DO UPDATE, SQLite and PostgreSQL alike)."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    fields = [model._meta.get_field(name) for name in cell]
    columns = [quote(field.column) for field in fields]
    total = quote(model._meta.get_field(count).column)
    rows = [(values, n) for values, n in counts.items() if n]
    upsert = f"ON CONFLICT ({', '.join(columns)}) DO UPDATE SET {total} = {table}.{total} + excluded.{total}"
    if connection.vendor == "postgresql" and len(rows) > BATCH:
        # Many rows (a rebuild's): COPY them into a table of this transaction, then one upsert
        # from it. At 100,000 staff the coverage and state tallies' 440,000 rows took 75 s as
        # statements of 200 rows (most of it preparing and parsing the statements), and XX s so.
        names = ", ".join([*columns, total])
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMPORARY TABLE adding_counts AS SELECT {names} FROM {table} LIMIT 0")
            with cursor.copy(f"COPY adding_counts ({names}) FROM STDIN") as copy:
                for values, n in rows:
                    copy.write_row((*values, n))
            cursor.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM adding_counts {upsert}")
            cursor.execute("DROP TABLE adding_counts")
        return
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        params = []
        for values, n in batch:
            prepared = zip(fields, values, strict=True)
            params.extend(field.get_db_prep_value(value, connection) for field, value in prepared)
            params.append(n)
        values = ", ".join(["(" + ", ".join(["%s"] * (len(cell) + 1)) + ")"] * len(batch))
        sql = f"INSERT INTO {table} ({', '.join(columns)}, {total}) VALUES {values} {upsert}"
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def recount(learner_ids: Iterable[int]) -> None:
    """Count these people again from their records, in the caller's transaction."""
    ids = sorted({int(pk) for pk in learner_ids if pk is not None})
    if not ids:
        return
    with transaction.atomic():
        list(get_user_model().objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk"))
        stored = PairMark.objects.filter(learner__in=ids)
        counts = _cells(stored, -1)
        stored.delete()
        marks = _marks(ids)
        PairMark.objects.bulk_create(PairMark(**mark._asdict()) for mark in marks)
        counts.update(_cells(marks))
        add_counts(PairTally, CELL, counts)


def rebuild() -> None:
    """Every mark and tally counted again from the records, in one transaction (run it as
    often as you like: the result is the same). People are read and their marks written a
    chunk at a time; the tallies are then counted from the marks by the database on
    PostgreSQL (`_count_marks`), so memory stays flat however many people and cells there
    are, and by `_cells` elsewhere. The marks go in by COPY, with both tables' indexes set
    aside until they are full (`cms.bulk`): at 100,000 staff that is millions of rows. People
    are read in runs of ids (`cms.bulk.runs_of_ids`)."""
    with transaction.atomic(), indexes_set_aside(PairMark, PairTally):  # the order recount writes them
        empty(PairTally, PairMark)
        counts = Counter()
        write = BulkWriter(timezone.now())
        users = get_user_model().objects.all()
        for run in runs_of_ids(users, CHUNK):
            marks = _marks(users.filter(run).values("pk"))
            write(PairMark, MARK_COLUMNS, (_row(mark) for mark in marks))
            if connection.vendor != "postgresql":
                counts.update(_cells(marks))
            reset_queries()  # see `cms.bulk`
        if connection.vendor == "postgresql":
            _count_marks()
            return
        cells = sorted(((cell, n) for cell, n in counts.items() if n), key=_reading_order)
        for start in range(0, len(cells), INSERTS):
            PairTally.objects.bulk_create(
                PairTally(**dict(zip(CELL, cell, strict=True)), people=n)
                for cell, n in cells[start : start + INSERTS]
            )


def _reading_order(counted) -> tuple:
    """Measure, level and month: the order cells are stored in (`_count_marks`)."""
    cell, _n = counted
    return cell[0], cell[1], cell[5]


MARK_COLUMNS = Mark._fields


def _row(mark: Mark) -> tuple:
    """A mark as `BulkWriter` writes it (`MARK_COLUMNS`, JSON as text)."""
    return (*mark[:-2], json.dumps(mark.following), json.dumps(mark.pairs))


def _count_marks() -> None:
    """Fill the empty tally table from every mark in one statement: what `_cells` adds for
    each mark, at each level and for each pair, grouped and counted by PostgreSQL. (A rebuild
    at 100,000 staff counts over a million cells, which Python would hold in memory.) The
    random-writes tests compare a rebuild with the tallies the writes kept, so the two
    countings cannot drift apart.

    It counts in two steps: first the marks' pairs that are alike in every way (measure, place,
    months, pair), then those counts spread over the levels and added up. At 100,000 staff the
    2.1 million pairs fall into 940,000 alike, so the second step adds 7.5 million rows rather
    than 17 million (19 s rather than 36 s). Neither step's rows are kept aside (a MATERIALIZED
    step writes its 3 million cells out and reads them back: the count took 46-60 s so and
    39-47 s without, tried alternately at 100,000 staff); `OFFSET 0` keeps the second step a
    count of its own, so that the ORDER BY sorts the counted cells rather than the 7.5 million
    rows before them.

    The cells go in ordered by measure, level and month, the way the reports read them: a
    report reads one level's cells for some months, and in the order they were counted those
    lay one to a page. At a million staff the 24,000 cells of confidence for 12 months were on
    22,000 pages (160 ms); stored together they take 10 ms. (Cells added later by recounts go
    at the end of the table, where a new month's cells gather.)"""
    quote = connection.ops.quote_name
    mark, tally = (quote(model._meta.db_table) for model in (PairMark, PairTally))
    columns = ", ".join(quote(PairTally._meta.get_field(name).column) for name in CELL)
    levels = ", ".join(f"({n}, {own[0]}, {own[1]}, {own[2]})" for n, own in enumerate(LEVELS))
    by_agency = [(name, series) for name, measure in MEASURES.items() for series in measure.by_agency]
    given = ", ".join(["(%s, %s)"] * len(by_agency)) or "(NULL, NULL)"
    sql = f"""
        WITH given AS (
        SELECT m.measure, m.agency, m.course, m.job_role, m.month, m.following,
               p.value ->> 0 AS series, p.value ->> 1 AS key,
               COALESCE(CAST(p.value ->> 2 AS float8), %s) AS x,
               COALESCE(CAST(p.value ->> 3 AS float8), %s) AS y,
               COUNT(*) AS marks
        FROM {mark} m
        CROSS JOIN LATERAL jsonb_array_elements(m.pairs) AS p (value)
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
        ), counted AS (
        SELECT g.measure, l.level,
               CASE WHEN l.own_agency OR b.series IS NOT NULL THEN g.agency ELSE 0 END,
               CASE WHEN l.own_course THEN g.course ELSE 0 END,
               CASE WHEN l.own_role THEN g.job_role ELSE '' END,
               g.month, CAST(g.following ->> l.level AS date), g.series, g.key, g.x, g.y,
               SUM(g.marks)
        FROM given g
        CROSS JOIN (VALUES {levels}) AS l (level, own_agency, own_course, own_role)
        LEFT JOIN (VALUES {given}) AS b (measure, series) ON b.measure = g.measure AND b.series = g.series
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
        OFFSET 0
        )
        INSERT INTO {tally} ({columns}, people)
        SELECT * FROM counted ORDER BY 1, 2, 6
    """
    with connection.cursor() as cursor:
        # PostgreSQL guesses 100 pairs per mark (there are about 5), so it expects fifty times
        # the cells there are and sorts them on disk: 103 s at 100,000 staff against 41 s
        # counted in hash tables. For this statement only, and within 128 MB. (The ORDER BY
        # still sorts: the counted cells, a few per mark, which it cannot do without.)
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_incremental_sort = off")
        cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute(sql, [MISSING, MISSING, *(value for row in by_agency for value in row)])
        for setting in ("enable_sort", "enable_incremental_sort", "work_mem"):
            cursor.execute(f"SET LOCAL {setting} = DEFAULT")


# -- reading ----------------------------------------------------------------------------------


def tallied_scope(agencies: QuerySet, period) -> tuple[str, int | None] | None:
    """`agency_scope`, or None too for a period that is not whole months (the pages give none;
    the tallies count by month)."""
    return None if period.months is None else agency_scope(agencies)


def agency_scope(agencies: QuerySet) -> tuple[str, int | None] | None:
    """("all", None) when `agencies` are every agency, ("one", its id) when they are one, and
    None for any other set: the tallies count each person once within one agency or within
    all of them, and a person who moved between two of several agencies would be counted
    twice if their figures were added. One query."""
    found = Agency.objects.aggregate(
        every=Count("pk"),
        chosen=Count("pk", filter=Q(pk__in=agencies)),
        first=Min("pk", filter=Q(pk__in=agencies)),
    )
    if found["chosen"] == found["every"]:
        return ("all", None)
    if found["chosen"] == 1:
        return ("one", found["first"])
    return None


def level_cells(
    measure: str,
    scope: tuple[str, int | None],
    course: CoursePage | None,
    job_role: str | None,
    own: tuple[bool, bool, bool] | None = None,
) -> QuerySet:
    """The tally rows of one level (`own`: her own agency, course, job role; by default those
    the scope or a filter names), narrowed to the scope's agency and the chosen course and
    job role."""
    kind, agency = scope
    own = own or (kind == "one", course is not None, bool(job_role))
    cells = PairTally.objects.filter(measure=measure, level=LEVELS.index(own))
    if agency is not None:
        cells = cells.filter(agency=agency)
    if course is not None:
        cells = cells.filter(course=course.pk)
    if job_role:
        cells = cells.filter(job_role=job_role)
    return cells


def _cells_in(
    measure: str, scope: tuple[str, int | None], period, course: CoursePage | None, job_role: str | None
) -> QuerySet:
    """The tally rows of the people whose latest record in the scope falls in the period's
    whole months: a month in the period, and the next record (if any) after it."""
    if period.months is None:
        raise ValueError(f"Confidence and knowledge figures are counted in whole months, not {period.label}.")
    return level_cells(measure, scope, course, job_role).filter(
        month__gte=period.start, month__lte=period.end, next_month__gt=period.end
    )


def pair_counts(
    measure: str,
    scope: tuple[str, int | None],
    period,
    course: CoursePage | None = None,
    job_role: str | None = None,
) -> list[tuple[str, str, int, Any, Any, int]]:
    """(series, key, agency, x, y, people) for every pair counted, x and y None when missing;
    agency is 0 for series not given by agency at the all-agencies level. One query."""
    rows = (
        _cells_in(measure, scope, period, course, job_role)
        .exclude(series=PEOPLE)
        .values_list("series", "key", "agency", "x", "y")
        .annotate(n=Sum("people"))
        .order_by()
    )
    return [
        (series, key, agency, None if x == MISSING else x, None if y == MISSING else y, n)
        for series, key, agency, x, y, n in rows
        if n
    ]


def people(
    measure: str,
    scope: tuple[str, int | None],
    period,
    course: CoursePage | None = None,
    job_role: str | None = None,
) -> int:
    """How many people a measure's figures are about. One query."""
    cells = _cells_in(measure, scope, period, course, job_role).filter(series=PEOPLE)
    return cells.aggregate(n=Sum("people"))["n"] or 0


# -- signals (connected in `courses.apps` and `quizzes.apps`) ---------------------------------


def record_deleted(sender, instance, **kwargs):
    """After a completion or an attempt is deleted: its person's figures without it."""
    recount([instance.learner_id])


def stored(sender, instance, field: str, raw: bool):
    """What `field` holds in the database for an instance about to be saved (None for a new one
    or a fixture being loaded): for a signal to see whether the save changes it."""
    if raw or instance.pk is None:
        return None
    return sender.objects.filter(pk=instance.pk).values_list(field, flat=True).first()


def remember_job_role(sender, instance, raw=False, **kwargs):
    """Before a profile is saved: the job role it has in the database, to see whether it changes."""
    instance._pairs_job_role = stored(sender, instance, "job_role", raw)


def profile_saved(sender, instance, raw=False, **kwargs):
    """A new job role on a profile: knowledge counts her under the role she has now."""
    old = getattr(instance, "_pairs_job_role", None)
    if not raw and old is not None and old != instance.job_role:
        recount([instance.user_id])
