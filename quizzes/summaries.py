"""Keeping the "what staff miss" tallies (`quizzes.models.summaries`) true as records are written.

One function, `add`, groups the raw records of some attempts in the database and adds (or,
with `sign=-1`, subtracts) the counts to the tallies in the same statement
(INSERT ... SELECT ... ON CONFLICT DO UPDATE SET n = n + excluded.n): two learners marked at
the same moment each add their own counts, with no read-modify-write for one to lose. Every
write goes through it, so the tallies and the raw records are counted the same way:

- a first attempt, when it is marked (`quizzes.services.submit_attempt`), in the same
  transaction;
- a change of job role on a learner's profile: her counts move from the old role to the new;
- an attempt deleted (with its learner's account): its counts are taken away first;
- `rebuild_summaries`: every counted attempt, from nothing.

Writes that go round the model layer (`QuerySet.update` of an attempt's time or score, as the
demo data does to spread attempts over past months) must be followed by `rebuild()`.
Anonymisation and revoking a certificate change neither an attempt nor a job role, so they
leave the tallies as they are.
"""

from django.db import connection, transaction
from django.db.models import Count, DateField, F, Q, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from cms.bulk import empty, indexes_set_aside
from quizzes.models import (
    ALL_JOB_ROLES,
    AnswerTally,
    Attempt,
    AttemptTally,
    BandTally,
    Certainty,
    ColourMark,
    ColourTally,
    IndicatorMark,
    IndicatorTally,
    PartnershipScoreTally,
    Purpose,
    Response,
    ScoreTally,
)
from quizzes.reports import _below
from quizzes.scoring import CONFIDENTLY_WRONG_BELOW

TALLIES = (
    AttemptTally,
    ScoreTally,
    PartnershipScoreTally,
    AnswerTally,
    IndicatorTally,
    ColourTally,
    BandTally,
)

# The attempts the report counts: each learner's first end-of-course attempt, once marked.
COUNTED = Q(purpose=Purpose.QUIZ, number=1, submitted_at__isnull=False)


def _scope(prefix: str, job_role: str | None, agency: bool = True) -> dict:
    """The cell an attempt's records fall in (aliased `s_<field>`, as `Tally.SCOPE`; without
    the agency for the partnership's tallies)."""
    scope = {
        "s_agency": F(f"{prefix}enrolment__agency"),
        "s_month": TruncMonth(
            f"{prefix}submitted_at", output_field=DateField(), tzinfo=timezone.get_default_timezone()
        ),
        "s_quiz": F(f"{prefix}quiz"),
        "s_job_role": Value(job_role)
        if job_role is not None
        else Coalesce(F(f"{prefix}learner__learner_profile__job_role"), Value("")),
    }
    if not agency:
        del scope["s_agency"]
    return scope


def _grouped(attempts, job_role):
    """(tally model, the attempts' records grouped into its cells), the key fields aliased
    `s_<field>` and the counts `c_<count>`: under each person's job role (or `job_role`), and
    again under every role together (`ALL_JOB_ROLES`)."""
    for role in (job_role, ALL_JOB_ROLES):
        yield from _grouped_under(attempts, role)


def _grouped_under(attempts, job_role):
    responses = Response.objects.filter(attempt__in=attempts)
    indicators = IndicatorMark.objects.filter(attempt__in=attempts)
    colours = ColourMark.objects.filter(attempt__in=attempts)
    very_sure = Q(certainty=Certainty.VERY_SURE)
    right = Q(score=1)
    yield (
        AttemptTally,
        attempts.values(**_scope("", job_role), s_score=F("score")).annotate(c_attempts=Count("pk")),
    )
    yield (
        ScoreTally,
        responses.values(
            **_scope("attempt__", job_role), s_score=F("attempt__score"), s_question=Coalesce("question", 0)
        ).annotate(c_answers=Count("pk"), c_right=Count("pk", filter=right)),
    )
    yield (
        PartnershipScoreTally,
        responses.values(
            **_scope("attempt__", job_role, agency=False),
            s_score=F("attempt__score"),
            s_question=Coalesce("question", 0),
        ).annotate(c_answers=Count("pk"), c_right=Count("pk", filter=right)),
    )
    yield (
        AnswerTally,
        responses.values(
            **_scope("attempt__", job_role), s_question=Coalesce("question", 0), s_category=F("category")
        ).annotate(
            c_answers=Count("pk"),
            c_right=Count("pk", filter=right),
            c_very_sure=Count("pk", filter=very_sure),
            c_wrong=Count("pk", filter=very_sure & Q(score__lt=_below(CONFIDENTLY_WRONG_BELOW))),
        ),
    )
    yield (
        IndicatorTally,
        indicators.values(
            **_scope("attempt__", job_role), s_category=F("category"), s_category_label=F("category_label")
        ).annotate(
            c_shown=Count("pk"),
            c_missed=Count("pk", filter=Q(ticked=False)),
            c_people=Count("attempt", distinct=True),
        ),
    )
    yield (
        ColourTally,
        colours.values(
            **_scope("attempt__", job_role), s_band=F("band"), s_correct=F("correct"), s_chosen=F("chosen")
        ).annotate(c_judgements=Count("pk")),
    )
    yield (
        BandTally,
        colours.values(**_scope("attempt__", job_role), s_band=F("band")).annotate(
            c_people=Count("attempt", distinct=True)
        ),
    )


def _upsert(model, grouped, sign: int, new: bool = False) -> None:
    """Add `sign` times the grouped counts to `model`'s cells, making the cells that are new
    (`new`: every cell is, into a table without its unique constraint)."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    keys = [quote(model._meta.get_field(name).column) for name in model.unique_fields()]
    counts = [quote(name) for name in model.COUNTS]
    inner, params = grouped.query.sql_with_params()
    selected = [f"s.s_{name}" for name in model.unique_fields()] + [
        f"{sign} * s.c_{name}" for name in model.COUNTS
    ]
    increments = ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in counts)
    sql = f"INSERT INTO {table} ({', '.join(keys + counts)}) SELECT {', '.join(selected)} FROM ({inner}) s"
    if not new:  # "WHERE true" tells SQLite that ON CONFLICT belongs to the INSERT, not to the SELECT
        sql += f" WHERE true ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {increments}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def add(attempts, sign: int = 1, job_role: str | None = None) -> None:
    """Add the counted ones of `attempts` to the tallies (`sign=-1`: take them away), under
    `job_role` instead of the learner's profile role when given."""
    attempts = attempts.filter(COUNTED)
    with transaction.atomic():
        for model, grouped in _grouped(attempts, job_role):
            _upsert(model, grouped, sign)


def record(attempt: Attempt) -> None:
    """Count an attempt that has just been marked (nothing when it is not a first quiz attempt)."""
    add(Attempt.objects.filter(pk=attempt.pk))


def move_job_role(learner_id: int, old: str, new: str) -> None:
    """Move a learner's counts to her new job role: the figures count her under the role on
    her profile now, past attempts included (her counts under every role together are taken
    away and added back, so they stay as they were)."""
    attempts = Attempt.objects.filter(learner_id=learner_id)
    with transaction.atomic():
        add(attempts, -1, job_role=old)
        add(attempts, 1, job_role=new)


def rebuild() -> None:
    """Recount every tally from the raw records, in one transaction (run it as often as you
    like: the result is the same).

    Only the cells under each person's job role are grouped from the records. The cells of every
    role together (`ALL_JOB_ROLES`) and the partnership's score cells are added up from them:
    each attempt falls in one role and one agency, so even the counts of distinct attempts add
    up. At 100,000 staff the 1.3 million answers are then read twice rather than five times.
    The tables are filled with their indexes set aside (`cms.bulk`), every cell new."""
    with transaction.atomic(), indexes_set_aside(*TALLIES):
        empty(*TALLIES)
        for model, grouped in _grouped_under(Attempt.objects.filter(COUNTED), None):
            if model is not PartnershipScoreTally:
                _upsert(model, grouped, 1, new=True)
        _add_up(ScoreTally, PartnershipScoreTally)  # over the agencies
        for model in TALLIES:
            _add_up(model, model, job_role=ALL_JOB_ROLES)


def _add_up(source, target, job_role: str | None = None) -> None:
    """Add `source`'s cells under each job role up into new cells of `target` (which has the
    same fields, or fewer), under `job_role` instead of each cell's own role when given."""
    quote = connection.ops.quote_name
    columns = {name: quote(target._meta.get_field(name).column) for name in target.unique_fields()}
    replaced = job_role is not None
    chosen = ["%s" if replaced and name == "job_role" else column for name, column in columns.items()]
    grouped = [column for name, column in columns.items() if not (replaced and name == "job_role")]
    counts = [quote(name) for name in target.COUNTS]
    sql = (
        f"INSERT INTO {quote(target._meta.db_table)} ({', '.join([*columns.values(), *counts])}) "
        f"SELECT {', '.join([*chosen, *(f'SUM({count})' for count in counts)])} "
        f"FROM {quote(source._meta.db_table)} WHERE {columns['job_role']} <> %s "
        f"GROUP BY {', '.join(grouped)}"
    )
    params = ([job_role] if replaced else []) + [ALL_JOB_ROLES]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


# -- signals (connected in `quizzes.apps`) -------------------------------------------------------


def remember_job_role(sender, instance, raw=False, **kwargs):
    """Before a profile is saved: the job role it has in the database, to see whether it changes."""
    if raw or instance.pk is None:
        instance._stored_job_role = None
        return
    stored = sender.objects.filter(pk=instance.pk).values_list("job_role", flat=True)
    instance._stored_job_role = stored.first()


def profile_saved(sender, instance, raw=False, **kwargs):
    old = getattr(instance, "_stored_job_role", None)
    if not raw and old is not None and old != instance.job_role:
        move_job_role(instance.user_id, old, instance.job_role)


def attempt_deleted(sender, instance, **kwargs):
    """Before an attempt goes (its responses and marks are still there): take its counts away."""
    add(Attempt.objects.filter(pk=instance.pk), -1)
