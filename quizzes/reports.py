"""What staff miss: per question facility and discrimination, the indicator categories
most often missed, traffic-light answers against the right colour per age band, and where
staff were confidently wrong; and knowledge before and after a course.

Each learner counts once per quiz: her first submitted end-of-course attempt (retakes after
reading the explanations would flatter the figures; knowledge checks are not the quiz). An
attempt belongs to the agency its enrolment was made in, and to the job role on the learner's
profile. Every figure is grouped and counted by the database; statistics are done by scipy.

What staff miss is read from tallies kept as attempts are marked (`quizzes.summaries`), so its
cost follows the number of questions, agencies, months and job roles, not of staff. Knowledge
before and after is read from the rating-pair tallies (`courses.pairs`) for one agency or all
of them.
"""

from collections import Counter, defaultdict
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db.models import (
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)

from cms.blocks import INDICATOR_CATEGORIES
from courses import pairs
from courses.models import CoursePage
from courses.reporting.tables import Column, Table
from courses.reports import Period
from courses.statistics import FEWER_THAN_FIVE, SMALL_GROUP, Comparison, compare, normalised_gain
from quizzes.marks import COLOURS
from quizzes.models import (
    ALL_JOB_ROLES,
    AnswerTally,
    Attempt,
    AttemptTally,
    BandTally,
    ColourTally,
    IndicatorTally,
    PartnershipScoreTally,
    Purpose,
    Question,
    Response,
    ScoreTally,
)

UPPER_LOWER_SHARE = 0.27  # the classic upper and lower 27% groups for discrimination


def first_attempts(
    agencies: QuerySet, period: Period, course: CoursePage | None = None, job_role: str | None = None
) -> QuerySet:
    """First end-of-course attempts (never knowledge checks) submitted in the period."""
    start, end = period.bounds
    attempts = Attempt.objects.filter(
        purpose=Purpose.QUIZ,
        number=1,
        submitted_at__gte=start,
        submitted_at__lt=end,
        enrolment__agency__in=agencies,
    )
    if course is not None:
        attempts = attempts.filter(quiz__course=course)
    if job_role:
        attempts = attempts.filter(learner__learner_profile__job_role=job_role)
    return attempts


def tally_cells(
    model, agencies: QuerySet, period: Period, course: CoursePage | None = None, job_role: str | None = None
) -> QuerySet:
    """The cells of a tally (`quizzes.models.summaries`) in scope, the empty ones left out: the
    job role's, or with none chosen every role's together (`ALL_JOB_ROLES`). The tallies count
    whole Europe/London months, as the quiz figures are given."""
    if period.months is None:
        raise ValueError(f"Quiz figures are counted in whole months, not {period.label}.")
    cells = model.objects.filter(agency__in=agencies, month__gte=period.start, month__lte=period.end).filter(
        **{f"{model.COUNTS[0]}__gt": 0}
    )
    if course is not None:
        cells = cells.filter(quiz__course=course)
    return cells.filter(job_role=job_role or ALL_JOB_ROLES)


def _score_cells(
    agencies: QuerySet, period: Period, course: CoursePage | None = None, job_role: str | None = None
) -> QuerySet:
    """Answers per question and score in scope: from the partnership's tally when the scope is
    every agency (its cells do not multiply by agency, nor by job role when none is chosen),
    else from the agencies' (`ScoreTally`)."""
    if pairs.tallied_scope(agencies, period) != ("all", None):
        return tally_cells(ScoreTally, agencies, period, course, job_role)
    cells = PartnershipScoreTally.objects.filter(
        month__gte=period.start, month__lte=period.end, job_role=job_role or ALL_JOB_ROLES, answers__gt=0
    )
    return cells.filter(quiz__course=course) if course is not None else cells


def people(
    agencies: QuerySet, period: Period, course: CoursePage | None = None, job_role: str | None = None
) -> int:
    """How many people the figures are about, each once per quiz (their first attempt)."""
    cells = tally_cells(AttemptTally, agencies, period, course, job_role)
    return cells.aggregate(n=Sum("attempts"))["n"] or 0


def small(count: int) -> int | str:
    return FEWER_THAN_FIVE if 0 < count < SMALL_GROUP else count


DELETED = 0  # the key under which answers to deleted questions are counted together


def _question_texts(ids) -> dict[int, str]:
    return dict(Question.objects.non_polymorphic().filter(pk__in=ids).values_list("pk", "text"))


def _group_weights(by_score: dict[Any, int], size: int, highest: bool) -> dict[Any, Fraction]:
    """The upper (`highest`) or lower group of `size` attempts by score, as the share of each
    score's attempts that is in it: 1 for the scores wholly inside, a fraction for the score at
    the edge, whose attempts share the places left in proportion (3 places for 10 attempts with
    the edge score count each of them 3/10). No attempt is preferred to another with the same
    score, so the groups need no tie-break and are counted from the tallies alone."""
    weights, left = {}, size
    for score in sorted(by_score, reverse=highest):
        if left == 0:
            break
        take = min(by_score[score], left)
        weights[score] = Fraction(take, by_score[score])
        left -= take
    return weights


def question_statistics(
    agencies: QuerySet, period: Period, course: CoursePage | None = None, job_role: str | None = None
) -> list[dict[str, Any]]:
    """Per question, over the attempts that drew it: people, facility (share fully right) and
    discrimination (facility in the top 27% of attempts by score minus facility in the bottom
    27%, each over the attempts of that group that drew the question). Attempts are ranked by
    score; those sharing the score at a group's edge share its last places (`_group_weights`),
    so every figure comes from the tallies' counts per score."""
    by_score = dict(
        tally_cells(AttemptTally, agencies, period, course, job_role)
        .values_list("score")
        .annotate(n=Sum("attempts"))
        .order_by()
    )
    size = max(1, round(sum(by_score.values()) * UPPER_LOWER_SHARE))
    groups = {
        name: _group_weights(by_score, size, highest) for name, highest in (("upper", True), ("lower", False))
    }
    cells = list(
        _score_cells(agencies, period, course, job_role)
        .values("question", "score")
        .annotate(answers=Sum("answers"), right=Sum("right"))
        .order_by()
    )
    texts = _question_texts({cell["question"] for cell in cells})
    counts = defaultdict(Counter)
    for cell in cells:
        count = counts[cell["question"] if cell["question"] in texts else DELETED]
        count["people"] += cell["answers"]
        count["right"] += cell["right"]
        for name, weights in groups.items():
            weight = weights.get(cell["score"], 0)
            count[name] += weight * cell["answers"]
            count[f"{name}_right"] += weight * cell["right"]
    result = []
    # By question id, as the database grouped them, answers to deleted questions last.
    for question in sorted(counts, key=lambda q: (q == DELETED, q)):
        count = counts[question]
        suppressed = count["people"] < SMALL_GROUP
        discrimination = None
        if not suppressed and count["upper"] and count["lower"]:
            upper = Fraction(count["upper_right"]) / count["upper"]
            discrimination = float(round(upper - Fraction(count["lower_right"]) / count["lower"], 2))
        result.append(
            {
                "question": texts.get(question, "(deleted question)"),
                "people": small(count["people"]),
                "facility": None if suppressed else round(count["right"] / count["people"], 2),
                "discrimination": discrimination,
            }
        )
    return sorted(result, key=lambda r: (r["facility"] is None, r["facility"] or 0))


def missed_categories(
    agencies: QuerySet, period: Period, course: CoursePage | None = None, job_role: str | None = None
) -> list[dict[str, Any]]:
    """Share of real indicators left unticked, per indicator category."""
    rows = (
        tally_cells(IndicatorTally, agencies, period, course, job_role)
        .values("category", "category_label")
        .annotate(shown=Sum("shown"), missed=Sum("missed"), people=Sum("people"))
        .order_by()
    )
    result = [
        {
            "category": row["category_label"],
            "people": small(row["people"]),
            "missed": None if row["people"] < SMALL_GROUP else round(100 * row["missed"] / row["shown"], 1),
        }
        for row in rows
    ]
    return sorted(result, key=lambda r: (-(r["missed"] or 0), r["category"]))


def traffic_light_table(
    agencies: QuerySet, period: Period, course: CoursePage | None = None, job_role: str | None = None
) -> list[dict[str, Any]]:
    """For each age band: how often each right colour was answered green, amber or red."""
    people = dict(
        tally_cells(BandTally, agencies, period, course, job_role)
        .values_list("band")
        .annotate(n=Sum("people"))
        .order_by()
    )
    table = defaultdict(lambda: defaultdict(dict))
    for band, correct, chosen, n in (
        tally_cells(ColourTally, agencies, period, course, job_role)
        .values_list("band", "correct", "chosen")
        .annotate(n=Sum("judgements"))
        .order_by()
    ):
        table[band][correct][chosen] = n
    return [
        {
            "band": band,
            "people": small(people[band]),
            "suppressed": people[band] < SMALL_GROUP,
            "rows": [
                {
                    "correct": correct,
                    "cells": [small(table[band][correct].get(c, 0)) for c in (*COLOURS, "none")],
                }
                for correct in COLOURS
                if correct in table[band]
            ],
        }
        for band in sorted(table)
    ]


def by_agency(
    agencies: QuerySet, period: Period, course: CoursePage | None = None, job_role: str | None = None
) -> list[dict[str, Any]]:
    """One row per agency, side by side: people who took a quiz and the share of their
    answers that were fully right."""
    people = dict(
        tally_cells(AttemptTally, agencies, period, course, job_role)
        .values_list("agency")
        .annotate(n=Sum("attempts"))
        .order_by()
    )
    answers = {
        row["agency"]: row
        for row in tally_cells(AnswerTally, agencies, period, course, job_role)
        .values("agency")
        .annotate(answers=Sum("answers"), right=Sum("right"))
        .order_by()
    }
    result = []
    for agency in agencies.order_by("sort_order", "name"):
        row = answers.get(agency.pk, {"answers": 0, "right": 0})
        shown = people.get(agency.pk, 0) >= SMALL_GROUP
        result.append(
            {
                "agency": agency.name,
                "people": small(people.get(agency.pk, 0)),
                "facility": round(row["right"] / row["answers"], 2) if shown else None,
            }
        )
    return result


QUESTIONS = Table(
    "questions",
    "Questions, hardest first",
    (
        Column("question", "Question"),
        Column("people", "People", type=int),
        Column(
            "facility",
            "Facility index",
            "Of the first attempts that drew the question, the share that answered it fully right (0 to 1).",
            type=float,
        ),
        Column(
            "discrimination",
            "Discrimination index",
            "Facility in the top 27% of first attempts by score minus facility in the bottom 27%, each "
            "over the attempts of that group that drew the question. Attempts with the score at the edge "
            "of a group share its last places: if 3 places are left for 10 attempts with that score, each "
            "counts as 3/10 of an attempt.",
            type=float,
        ),
    ),
    definition="Each attempt draws its questions at random from the quiz's pools, so every figure for a "
    "question counts only the first attempts that drew it; People is how many. The facility index is the "
    "share who answered fully right (0 to 1). The discrimination index compares the top and bottom 27% "
    "of first attempts by score: near 0 or negative means the question does not separate people who know "
    "from people who do not.",
    empty="No answers in this period.",
)
CATEGORIES = Table(
    "categories",
    "Indicator categories most often missed",
    (
        Column("category", "Indicator category"),
        Column("people", "People", type=int),
        Column("missed", "% of indicators not ticked", type=float),
    ),
    definition="How often real indicators of each kind were left unticked in “spot the indicators” "
    "questions.",
    empty="No answers in this period.",
)
TRAFFIC = Table(
    "traffic",
    "Traffic light: answers against the right colour, per age band",
    (
        Column("band", "Age band"),
        Column("people", "People", type=int),
        Column("correct", "Right colour"),
        *(Column(colour, f"Answered {colour}", type=int) for colour in COLOURS),
        Column("none", "No answer", type=int),
    ),
    definition="For traffic-light questions, how often each right colour was answered green, amber or "
    "red, per age band. Age bands with fewer than 5 people are not broken down.",
    empty="No answers in this period.",
)
AGENCIES = Table(
    "agencies",
    "Agencies side by side",
    (
        Column("agency", "Agency"),
        Column("people", "People", type=int),
        Column("facility", "Share of answers fully right", type=float),
    ),
    definition="One row per agency: people who took a quiz and the share of their answers that were "
    "fully right.",
    empty="No answers in this period.",
)

NO_CATEGORY_LABEL = "Procedure and law (no indicator category)"
CATEGORY_LABELS = {**dict(INDICATOR_CATEGORIES), "": NO_CATEGORY_LABEL}
MOST_CONFIDENTLY_WRONG = 10  # rows per agency: the misconceptions that matter most


def _below(fraction):
    return Decimal(fraction.numerator) / Decimal(fraction.denominator)


def confidently_wrong(
    agencies: QuerySet,
    period: Period,
    course: CoursePage | None = None,
    job_role: str | None = None,
    by: str = "question",
) -> list[dict[str, Any]]:
    """Per agency, the questions (or, `by="category"`, the indicator categories) most often
    answered "very sure" with less than half the marks earned (`CONFIDENTLY_WRONG_BELOW`):
    such answers, answers given very sure, and all answers to it, in first attempts. Counts of
    1 to 4 are withheld, and so is the share when its count is."""
    cells = (
        tally_cells(AnswerTally, agencies, period, course, job_role)
        .values("agency", by)
        .annotate(answers=Sum("answers"), very_sure=Sum("very_sure"), wrong=Sum("wrong"))
        .order_by()
    )
    if by == "question":
        texts = _question_texts({cell["question"] for cell in cells})
        merged = {}
        for cell in cells:  # answers to deleted questions together, as their responses point to nothing
            question = cell["question"] if cell["question"] in texts else DELETED
            row = merged.setdefault(
                (cell["agency"], question),
                {"agency": cell["agency"], "question": question, "answers": 0, "very_sure": 0, "wrong": 0},
            )
            for count in ("answers", "very_sure", "wrong"):
                row[count] += cell[count]
        cells = merged.values()
        name = lambda row: texts.get(row["question"], "(deleted question)")  # noqa: E731
    else:
        name = lambda row: CATEGORY_LABELS.get(row["category"], row["category"])  # noqa: E731
    # Most often confidently wrong first, then by question id (deleted questions last) or category.
    rows = sorted(
        (cell for cell in cells if cell["wrong"] > 0),
        key=lambda row: (-row["wrong"], row[by] == DELETED if by == "question" else False, row[by]),
    )
    by_agency = defaultdict(list)
    for row in rows:
        by_agency[row["agency"]].append(row)
    result = []
    for agency_row in agencies.order_by("sort_order", "name"):
        for row in by_agency[agency_row.pk][:MOST_CONFIDENTLY_WRONG]:
            shown = row["wrong"] >= SMALL_GROUP
            result.append(
                {
                    "agency": agency_row.name,
                    "name": name(row),
                    "wrong": small(row["wrong"]),
                    "very_sure": small(row["very_sure"]),
                    "answers": small(row["answers"]),
                    "share": round(100 * row["wrong"] / row["answers"], 1) if shown else None,
                }
            )
    return result


def _confidently_wrong_table(key, title, name_heading, plural, what):
    return Table(
        key,
        title,
        (
            Column("agency", "Agency"),
            Column("name", name_heading),
            Column(
                "wrong",
                "Confidently wrong",
                "Answers given “very sure” that earned less than half the marks.",
                type=int,
            ),
            Column("very_sure", "Answered very sure", f"Answers to {what} given “very sure”.", type=int),
            Column("answers", "All answers", f"Every answer to {what} in first attempts.", type=int),
            Column(
                "share",
                "% of all answers confidently wrong",
                "Confidently wrong answers as a share of all answers.",
                type=float,
                unit="%",
            ),
        ),
        definition=f"Per agency, the {MOST_CONFIDENTLY_WRONG} {plural} where staff most often "
        "answered “very sure” and earned less than half the marks: the misconceptions that matter most. "
        "First attempts at end-of-course quizzes only. Counts of 1 to 4 are shown as “fewer than 5”, and "
        "then no share is shown.",
        empty="No confidently wrong answers in this period.",
        row_headers=False,
    )


CONFIDENTLY_WRONG_QUESTIONS = _confidently_wrong_table(
    "confidently_wrong", "Confidently wrong: questions", "Question", "questions", "the question"
)
CONFIDENTLY_WRONG_CATEGORIES = _confidently_wrong_table(
    "confidently_wrong_categories",
    "Confidently wrong: indicator categories",
    "Indicator category",
    "indicator categories",
    "questions of the category",
)
TABLES = (QUESTIONS, CATEGORIES, TRAFFIC, CONFIDENTLY_WRONG_QUESTIONS, CONFIDENTLY_WRONG_CATEGORIES, AGENCIES)


def _traffic_rows(bands):
    """A row per right colour in each age band; one row with no breakdown for a small band."""
    for band in bands:
        if band["suppressed"]:
            yield {"band": band["band"], "people": band["people"], "correct": ""} | dict.fromkeys(
                (*COLOURS, "none")
            )
            continue
        for row in band["rows"]:
            cells = dict(zip((*COLOURS, "none"), row["cells"], strict=True))
            yield {
                "band": band["band"],
                "people": band["people"],
                "correct": row["correct"].capitalize(),
            } | cells


def figures(
    agencies: QuerySet, period: Period, course: CoursePage | None = None, job_role: str | None = None
) -> list[Table]:
    """Everything the page shows, as its tables: the page, the spreadsheets and the API hold
    the same rows in the same order. Agencies side by side only when there are several."""
    tables = [
        QUESTIONS.fill(question_statistics(agencies, period, course, job_role)),
        CATEGORIES.fill(missed_categories(agencies, period, course, job_role)),
        TRAFFIC.fill(_traffic_rows(traffic_light_table(agencies, period, course, job_role))),
        CONFIDENTLY_WRONG_QUESTIONS.fill(confidently_wrong(agencies, period, course, job_role)),
        CONFIDENTLY_WRONG_CATEGORIES.fill(
            confidently_wrong(agencies, period, course, job_role, by="category")
        ),
    ]
    if agencies.count() > 1:
        tables.append(AGENCIES.fill(by_agency(agencies, period, course, job_role)))
    return tables


# Knowledge before and after: the knowledge check at the start of a course against the first
# end-of-course attempt in the same enrolment.


def _checks():
    """The submitted knowledge checks of the enrolment an attempt (the outer query) was made in."""
    return Attempt.objects.filter(
        enrolment=OuterRef("enrolment"), purpose=Purpose.CHECK, submitted_at__isnull=False
    )


def knowledge_pairs(
    agencies: QuerySet, period: Period, course: CoursePage | None = None, job_role: str | None = None
) -> QuerySet:
    """First end-of-course attempts submitted in the period whose enrolment also has a
    submitted knowledge check (as `check_attempt`). Each person is one pair: someone with two
    such courses counts with the later attempt (by submission time, then id), as in the
    confidence figures."""
    paired = first_attempts(agencies, period, course, job_role).filter(Exists(_checks()))
    later = paired.filter(learner=OuterRef("learner")).filter(
        Q(submitted_at__gt=OuterRef("submitted_at"))
        | Q(submitted_at=OuterRef("submitted_at"), pk__gt=OuterRef("pk"))
    )
    latest = paired.filter(~Exists(later)).values("pk")
    return Attempt.objects.filter(pk__in=latest).annotate(check_attempt=Subquery(_checks().values("pk")[:1]))


def knowledge_people(
    agencies: QuerySet, period: Period, course: CoursePage | None = None, job_role: str | None = None
) -> int:
    """How many people the knowledge figures are about (from the tallies for one agency or
    all of them, as `knowledge`)."""
    scope = pairs.tallied_scope(agencies, period)
    if scope is not None:
        return pairs.people(KNOWLEDGE.name, scope, period, course, job_role)
    return knowledge_pairs(agencies, period, course, job_role).count()


def _percent_score(earned, available):
    return round(100 * float(earned) / float(available), 6)


def _scores(pairs: QuerySet) -> tuple[dict, dict]:
    """Per attempt of the pairs (both the quiz attempt and its check): the score per indicator
    category, and the [points earned, points available] on the whole attempt. The database
    sums the points per attempt and category, for the quiz attempts and for the checks in
    two queries: one query on "either" scans every answer (PostgreSQL cannot look either up
    by the index), which at 100,000 staff made each recount of 2,000 people take a second."""
    by_category, totals = defaultdict(dict), defaultdict(lambda: [0, 0])
    for attempts in (pairs.values("pk"), pairs.values("check_attempt")):
        sums = (
            Response.objects.filter(attempt__in=attempts)
            .values("attempt", "category")
            .annotate(
                earned=Sum(F("score") * F("points"), output_field=DecimalField()),
                available=Sum("points"),
            )
            .order_by()
        )
        for row in sums:
            if row["available"]:
                by_category[row["attempt"]][row["category"]] = _percent_score(row["earned"], row["available"])
            totals[row["attempt"]][0] += float(row["earned"] or 0)
            totals[row["attempt"]][1] += row["available"]
    return by_category, totals


def _pair_scores(after_id, before_id, by_category, totals):
    """One person's (before, after) score on the whole attempts (None when either scored
    nothing available), and per category both attempts asked a question of."""
    before, after = totals.get(before_id), totals.get(after_id)
    whole = None
    if before and after and before[1] and after[1]:
        whole = (_percent_score(*before), _percent_score(*after))
    categories = {
        category: (by_category[before_id][category], after_score)
        for category, after_score in by_category[after_id].items()
        if category in by_category[before_id]
    }
    return whole, categories


def knowledge(
    agencies: QuerySet, period: Period, course: CoursePage | None = None, job_role: str | None = None
) -> dict[str, Any]:
    """Before (knowledge check) and after (first quiz attempt) per person: overall, per agency
    and per indicator category. A score is the points earned as a percentage of the points
    available, on the whole attempt or on one category's questions; a person counts in a
    category only if both attempts asked a question of it. scipy compares the pairs
    (`courses.statistics.compare`).

    For one agency or all of them the pairs are counted from the tallies (`courses.pairs`),
    so the cost does not grow with staff; any other set of agencies from the attempts
    (`knowledge_counts`)."""
    scope = pairs.tallied_scope(agencies, period)
    if scope is None:
        return knowledge_from(agencies, knowledge_counts(agencies, period, course, job_role))
    overall, per_agency, per_category = Counter(), defaultdict(Counter), defaultdict(Counter)
    for series, key, agency, x, y, people in pairs.pair_counts(
        KNOWLEDGE.name, scope, period, course, job_role
    ):
        if series == "overall":
            overall[x, y] += people
            per_agency[agency][x, y] += people
        else:
            per_category[key][x, y] += people
    return knowledge_from(agencies, (overall, per_agency, per_category))


def knowledge_from(agencies: QuerySet, counts: tuple[Counter, dict, dict]) -> dict[str, Any]:
    """The knowledge figures of `counts` (as `knowledge_counts` gives them), compared."""
    overall, per_agency, per_category = counts
    return {
        "overall": compare(overall),
        "by_agency": [
            {"agency": agency, "change": compare(per_agency[agency.pk])}
            for agency in agencies.order_by("sort_order", "name")
        ],
        "categories": [
            {"category": label, "change": compare(per_category[code])}
            for code, label in CATEGORY_LABELS.items()
            if code in per_category
        ],
    }


def knowledge_counts(
    agencies: QuerySet, period: Period, course: CoursePage | None = None, job_role: str | None = None
) -> tuple[Counter, dict, dict]:
    """The knowledge figures' counts straight from the attempts: overall, per agency and per
    category, each {(before, after): people}."""
    pairs_in = knowledge_pairs(agencies, period, course, job_role)
    by_category, totals = _scores(pairs_in)
    overall, per_agency, per_category = Counter(), defaultdict(Counter), defaultdict(Counter)
    for after_id, before_id, agency in pairs_in.values_list("pk", "check_attempt", "enrolment__agency"):
        whole, categories = _pair_scores(after_id, before_id, by_category, totals)
        if whole:
            overall[whole] += 1
            per_agency[agency][whole] += 1
        for category, pair in categories.items():
            per_category[category][pair] += 1
    return overall, per_agency, per_category


class KnowledgeMeasure(pairs.Measure):
    """The knowledge figures' records for the tallies: first quiz attempts with a knowledge
    check in the same enrolment, each giving its overall and per-category (before, after)
    scores, counted exactly as `knowledge_counts` counts them. The job role is the one on the
    learner's profile now, so a change of role recounts her."""

    name = "knowledge"

    def records(self, learner_ids):
        paired = Attempt.objects.filter(purpose=Purpose.QUIZ, number=1, submitted_at__isnull=False).filter(
            Exists(_checks())
        )
        if learner_ids is not None:
            paired = paired.filter(learner__in=learner_ids)
        paired = paired.annotate(check_attempt=Subquery(_checks().values("pk")[:1]))
        by_category, totals = _scores(paired)
        rows = paired.values_list(
            "pk",
            "check_attempt",
            "learner",
            "enrolment__agency",
            "quiz__course",
            "learner__learner_profile__job_role",
            "submitted_at",
        )
        for after_id, before_id, learner, agency, course, role, submitted_at in rows:
            whole, categories = _pair_scores(after_id, before_id, by_category, totals)
            given = [("overall", "", *whole)] if whole else []
            given += [("category", code, *pair) for code, pair in categories.items()]
            yield pairs.Record(after_id, learner, agency, course or 0, role or "", submitted_at, given)


KNOWLEDGE = pairs.register(KnowledgeMeasure())


def _knowledge_row(name: str, change: Comparison) -> dict[str, Any]:
    """A row of figures as every page, download and the API show them: all "fewer than 5"
    for fewer than 5 people; no test for fewer than 6."""
    if change.suppressed:
        return {"name": name} | dict.fromkeys(KNOWLEDGE_FIGURES, FEWER_THAN_FIVE)
    gain = normalised_gain(change.mean_before, change.mean_after)
    return {
        "name": name,
        "people": change.pairs,
        "median_before": round(change.median_before, 1),
        "median_after": round(change.median_after, 1),
        "mean_before": round(change.mean_before, 1),
        "mean_after": round(change.mean_after, 1),
        "improved": change.improved,
        "p": "" if change.p_rounded is None else change.p_rounded,
        "r": "" if change.r_rounded is None else change.r_rounded,
        "gain": "not defined" if gain is None else round(gain, 2),
    }


KNOWLEDGE_COLUMNS = (
    Column(
        "people",
        "People with both",
        "People with a knowledge check and a first quiz attempt in the same "
        "course, the quiz attempt submitted in the period; each person once.",
        type=int,
    ),
    Column(
        "median_before",
        "Median before",
        "Half the people scored less in the knowledge check at the "
        "start of the course, half more (score: % of the points available).",
        type=float,
    ),
    Column(
        "median_after",
        "Median after",
        "The same for the first attempt at the end-of-course quiz.",
        type=float,
    ),
    Column("mean_before", "Mean before", "The average score (%) in the knowledge check.", type=float),
    Column("mean_after", "Mean after", "The average score (%) in the first quiz attempt.", type=float),
    Column(
        "improved",
        "% improved",
        "The share of the people who scored higher after than before.",
        type=float,
        unit="%",
    ),
    Column(
        "p",
        "p (Wilcoxon, Pratt)",
        "From the Wilcoxon signed-rank test (Pratt's method for unchanged "
        "scores): below 0.05 the change is unlikely to be chance. None for fewer than 6 people.",
        type=float,
        places=3,
    ),
    Column(
        "r",
        "Effect size r",
        "Runs from -1 to 1: around 0.1 is small, 0.3 medium and 0.5 large; positive means scores rose.",
        type=float,
        places=2,
    ),
    Column(
        "gain",
        "Normalised gain",
        "(Mean after - mean before) / (100 - mean before): the share of the "
        "room to improve that was gained (Hake). Not defined when the mean before is 100.",
        type=float,
        places=2,
    ),
)
KNOWLEDGE_FIGURES = tuple(column.key for column in KNOWLEDGE_COLUMNS)


def _knowledge_table(key, title, name_heading, definition):
    return Table(
        key,
        title,
        (Column("name", name_heading), *KNOWLEDGE_COLUMNS),
        definition=definition,
        empty="No one did both the knowledge check and the quiz of a course in this period.",
    )


KNOWLEDGE_OVERALL = _knowledge_table(
    "overall",
    "Overall: each person's score on the whole check and quiz",
    "Scope",
    "A person's score is the points earned as a percentage of the points available in the attempt.",
)
KNOWLEDGE_BY_AGENCY = _knowledge_table(
    "agencies",
    "Overall, by agency",
    "Agency",
    "As overall, per agency the course was taken in.",
)
KNOWLEDGE_PER_CATEGORY = _knowledge_table(
    "per_category",
    "Before and after, per indicator category",
    "Indicator category",
    "A person's score in a category is the points earned as a percentage of the points available on that "
    "category's questions in the attempt; a person counts in a category only if both the check and the "
    "quiz asked a question of it. Questions on procedure and law have no indicator category.",
)
KNOWLEDGE_TABLES = (KNOWLEDGE_OVERALL, KNOWLEDGE_BY_AGENCY, KNOWLEDGE_PER_CATEGORY)


def knowledge_tables(result: dict[str, Any]) -> list[Table]:
    """The knowledge report's tables, as the page shows them and the downloads and the API
    give them: agencies side by side only when there are several."""
    by_agency = [_knowledge_row(row["agency"].name, row["change"]) for row in result["by_agency"]]
    return [
        KNOWLEDGE_OVERALL.fill([_knowledge_row("Whole check and quiz", result["overall"])]),
        *([KNOWLEDGE_BY_AGENCY.fill(by_agency)] if len(by_agency) > 1 else []),
        KNOWLEDGE_PER_CATEGORY.fill(
            _knowledge_row(row["category"], row["change"]) for row in result["categories"]
        ),
    ]


def knowledge_figures(
    agencies: QuerySet, period: Period, course: CoursePage | None = None, job_role: str | None = None
) -> list[Table]:
    """The knowledge report's tables for a scope (what the API serves)."""
    return knowledge_tables(knowledge(agencies, period, course, job_role))
