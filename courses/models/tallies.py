"""Running counts behind the confidence and knowledge reports, kept as records are written
(`courses.pairs`).

Those reports count each person once, with her latest qualifying record in the scope and the
period, so they used to read every record of the period: their cost grew with staff. These two
tables let them sum counts instead.

"Latest in the period" is countable because each record carries the month of the same
person's next qualifying record in the same scope: a record of a month in [m1, m2] is her
latest there exactly when her next one falls after m2 (or never comes). The scope within which
"next" is looked for is a `level`: the record's own agency or all agencies, its own course or
all courses, its own job role or all job roles (eight levels, `courses.pairs.LEVELS`).
"""

from django.db import models

# What makes a tally row one cell, in the order of its unique constraint (the upsert's target).
CELL = ("measure", "level", "agency", "course", "job_role", "month", "next_month", "series", "key", "x", "y")


class PairMark(models.Model):
    """One qualifying record of one measure (a completion with both surveys, a quiz attempt
    with a knowledge check), as the tallies count it: maintenance recounts one person by
    taking away what her marks added and adding what her records give now.

    `learner`, `agency` and `course` are plain ids rather than foreign keys, so that no
    cascade can remove a mark without taking its counts away first."""

    measure = models.CharField(max_length=20)
    source = models.IntegerField(help_text="The record's id (a completion's, an attempt's).")
    learner = models.IntegerField(db_index=True)
    agency = models.IntegerField()
    course = models.IntegerField(help_text="The course's id, or 0 for none.")
    job_role = models.CharField(max_length=30, blank=True)
    month = models.DateField(help_text="First day of the record's Europe/London month.")
    following = models.JSONField(
        help_text="Per level (`courses.pairs.LEVELS`), the month of the person's next record in that scope."
    )
    pairs = models.JSONField(help_text="[series, key, x, y] rows the record adds to the tallies.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=("measure", "source"), name="one_pair_mark_per_record")]

    def __str__(self):
        return f"{self.measure} {self.source} ({self.month:%B %Y})"


class PairTally(models.Model):
    """How many people's records gave a pair (x, y) in a series (per item, per category,
    overall) of a measure, per scope cell and month and month of the next record.

    `course` is 0 and `job_role` empty at the levels that span all courses or all roles;
    `agency` is the record's own agency at every level, so that "Overall, by agency" can be
    grouped at the all-agencies level, and 0 there for series not given by agency. A person
    with no next record has `next_month` NEVER (`courses.pairs`) rather than NULL, and a
    missing rating is MISSING rather than NULL, so that the unique constraint (NULLs are all
    distinct to it) holds every cell once and the upsert finds it.

    `people` is a plain integer that writes add to and subtract from; a cell counted back to
    zero is left in place and read as nothing."""

    measure = models.CharField(max_length=20)
    level = models.PositiveSmallIntegerField()
    agency = models.IntegerField()
    course = models.IntegerField()
    job_role = models.CharField(max_length=30, blank=True)
    month = models.DateField()
    next_month = models.DateField()
    series = models.CharField(max_length=10)
    key = models.CharField(max_length=30, blank=True)
    x = models.FloatField()
    y = models.FloatField()
    people = models.IntegerField(default=0)

    CELL = CELL

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=CELL,
                name="one_pair_tally_per_cell",
            )
        ]
        indexes = [
            models.Index(fields=("measure", "level", "month"), name="pair_tally_level_month"),
            # The training numbers read one series of a level (people, durations, refreshers
            # due), whose other series hold many more cells.
            models.Index(fields=("measure", "level", "series", "month"), name="pair_tally_series_month"),
            # The refreshers due: each person's latest completion (no next one), by expiry day.
            models.Index(
                fields=("measure", "level", "series", "next_month", "x"), name="pair_tally_series_next"
            ),
        ]

    def __str__(self):
        return (
            f"{self.measure} level {self.level}, {self.month:%B %Y}, {self.series} {self.key}: {self.people}"
        )
