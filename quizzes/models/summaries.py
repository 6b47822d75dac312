"""Running counts behind "what staff miss", kept as first attempts are marked (`quizzes.summaries`).

The report used to count every first-attempt response in the period, so it slowed in step with
the number of staff. These tables hold the same counts already grouped by what the report can
be cut by, so it sums a number of rows that grows with questions, agencies, months and job
roles, never with people. Each row is one cell of that grid:

- `agency`: the agency the enrolment was made in (an attempt's agency never changes);
- `month`: the first day of the Europe/London calendar month the attempt was submitted in
  (quiz figures are only given for whole months);
- `quiz`: the quiz rather than its course, so that the course filter (`quiz__course`) follows
  the quiz as the raw figures do;
- `job_role`: the role on the learner's profile now, which the raw figures use; a change of
  role moves her counts (`quizzes.summaries.move_job_role`). Every count is kept a second time
  under `ALL_JOB_ROLES` ("*"), every role together, so that the figures with no job role
  chosen (most reads) sum a grid without roles in it rather than adding up every role's cells.

Attempts and answers are also counted per attempt score (`AttemptTally`, `ScoreTally`), so
the upper and lower 27% groups can be formed from counts; the other tables leave the score
out, which would multiply their cells. Per question and score, `ScoreTally` has about as many
cells as there are answers until a partnership is very large, so `PartnershipScoreTally`
holds the same counts for all agencies together, per job role and for all job roles: the
partnership's figures read a grid of months, questions and scores only.

The counts are plain integers that writes add to and subtract from; a cell whose counts have
gone back to zero is left in place and read as nothing. They are not PositiveIntegerFields:
both databases check a CHECK constraint on the row an upsert proposes (the negative
difference) before they find the cell it adds to.
"""

from django.db import models


class Cells(models.Model):
    """What every tally is cut by: month, quiz and job role, and (`Tally`) the agency.

    The quiz and the agency are foreign keys without a key in the database (Django still
    deletes a quiz's or an agency's cells with it). A rebuild sets its tables' keys aside
    (`cms.bulk.indexes_set_aside`), and PostgreSQL drops a key only with the table it refers to
    locked against every reader until the rebuild commits: every page that read an agency or a
    quiz waited, and so did the other tallies' rebuilds, which read them (at 100,000 staff the
    quiz tallies waited 165 s for the pairs and coverage to finish). The tallies are counted
    from records that keep their own keys, and rebuilt from them."""

    month = models.DateField(help_text="First day of the Europe/London month of submission.")
    quiz = models.ForeignKey("quizzes.Quiz", on_delete=models.CASCADE, related_name="+", db_constraint=False)
    job_role = models.CharField(max_length=30, blank=True)

    # The scope a table is cut by, in the order of its unique constraint.
    SCOPE: tuple[str, ...] = ("month", "quiz", "job_role")
    KEY: tuple[str, ...] = ()  # what else makes a row one cell
    COUNTS: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def __str__(self):
        counts = ", ".join(f"{name} {getattr(self, name)}" for name in self.COUNTS)
        return f"{self.month:%B %Y}, {' / '.join(str(getattr(self, k)) for k in self.KEY)}: {counts}"

    @classmethod
    def unique_fields(cls):
        return (*cls.SCOPE, *cls.KEY)


class Tally(Cells):
    agency = models.ForeignKey("cms.Agency", on_delete=models.CASCADE, related_name="+", db_constraint=False)

    SCOPE = ("agency", "month", "quiz", "job_role")

    class Meta:
        abstract = True


def _unique(name, fields):
    return [models.UniqueConstraint(fields=fields, name=name)]


def _role_and_month(name):
    """The cells of one job role (or of every role together) in a run of months: what every
    read asks for (`quizzes.reports.tally_cells`), so it reads those cells and no others."""
    return [models.Index(fields=("job_role", "month"), name=name)]


class AttemptTally(Tally):
    """First attempts per cell and score: the people the figures are about."""

    score = models.DecimalField(max_digits=5, decimal_places=2)
    attempts = models.IntegerField(default=0)

    KEY = ("score",)
    COUNTS = ("attempts",)

    class Meta:
        constraints = _unique("one_attempt_tally_per_cell", (*Tally.SCOPE, "score"))
        indexes = _role_and_month("attempt_tally_role_month")


class ScoreCounts(models.Model):
    """Answers per question and attempt score, and how many were fully right: facility, and
    the upper and lower groups of discrimination."""

    score = models.DecimalField(max_digits=5, decimal_places=2)
    question = models.IntegerField(help_text="The question's id, or 0 when it no longer existed.")
    answers = models.IntegerField(default=0)
    right = models.IntegerField(default=0)

    KEY = ("score", "question")
    COUNTS = ("answers", "right")

    class Meta:
        abstract = True


class ScoreTally(ScoreCounts, Tally):
    """`ScoreCounts` per agency."""

    class Meta:
        constraints = _unique("one_score_tally_per_cell", (*Tally.SCOPE, "score", "question"))
        indexes = _role_and_month("score_tally_role_month")


class AnswerTally(Tally):
    """Answers per question (0 when the question was deleted before marking) and indicator
    category: all of them, fully right, given "very sure", and confidently wrong."""

    question = models.IntegerField(help_text="The question's id, or 0 when it no longer existed.")
    category = models.CharField(max_length=25, blank=True)
    answers = models.IntegerField(default=0)
    right = models.IntegerField(default=0)
    very_sure = models.IntegerField(default=0)
    wrong = models.IntegerField(default=0)

    KEY = ("question", "category")
    COUNTS = ("answers", "right", "very_sure", "wrong")

    class Meta:
        constraints = _unique("one_answer_tally_per_cell", (*Tally.SCOPE, "question", "category"))
        indexes = _role_and_month("answer_tally_role_month")


class IndicatorTally(Tally):
    """Real indicators shown and left unticked per category, and the attempts that showed one."""

    category = models.CharField(max_length=25)
    category_label = models.CharField(max_length=100)
    shown = models.IntegerField(default=0)
    missed = models.IntegerField(default=0)
    people = models.IntegerField(default=0)

    KEY = ("category", "category_label")
    COUNTS = ("shown", "missed", "people")

    class Meta:
        constraints = _unique("one_indicator_tally_per_cell", (*Tally.SCOPE, "category", "category_label"))
        indexes = _role_and_month("indicator_tally_role_month")


class ColourTally(Tally):
    """Traffic-light judgements per age band, right colour and colour chosen."""

    band = models.CharField(max_length=100)
    correct = models.CharField(max_length=5)
    chosen = models.CharField(max_length=5)
    judgements = models.IntegerField(default=0)

    KEY = ("band", "correct", "chosen")
    COUNTS = ("judgements",)

    class Meta:
        constraints = _unique("one_colour_tally_per_cell", (*Tally.SCOPE, "band", "correct", "chosen"))
        indexes = _role_and_month("colour_tally_role_month")


class BandTally(Tally):
    """Attempts that judged at least one child of an age band."""

    band = models.CharField(max_length=100)
    people = models.IntegerField(default=0)

    KEY = ("band",)
    COUNTS = ("people",)

    class Meta:
        constraints = _unique("one_band_tally_per_cell", (*Tally.SCOPE, "band"))
        indexes = _role_and_month("band_tally_role_month")


ALL_JOB_ROLES = "*"  # the `job_role` of the cells that count every job role together


class PartnershipScoreTally(ScoreCounts, Cells):
    """`ScoreCounts` for all agencies together, per month, quiz and job role, and again for
    all job roles (`ALL_JOB_ROLES`)."""

    class Meta:
        constraints = _unique("one_partnership_score_tally_per_cell", (*Cells.SCOPE, "score", "question"))
        indexes = _role_and_month("pscore_tally_role_month")
