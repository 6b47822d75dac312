"""Confidence before and after: the paired comparison the partnership reports.

Ratings are ordinal (1-5), so: medians, the share of people who rated higher, the same or
lower, and the Wilcoxon signed-rank test with Pratt's handling of zero differences, done by
scipy. Small groups are not reported: a figure about fewer than 5 people is withheld, and
no p-value is given for fewer than 6 pairs (it would mean nothing).

The same comparison serves continuous scores (knowledge before and after, as percentages):
`compare` also gives the means, and `normalised_gain` Hake's class-average gain."""

import math
from dataclasses import dataclass

import numpy as np
from scipy.stats import rankdata, wilcoxon

SMALL_GROUP = 5
MIN_PAIRS_FOR_TEST = 6
FEWER_THAN_FIVE = "fewer than 5"


@dataclass(frozen=True)
class Comparison:
    pairs: int
    median_before: float | None = None
    median_after: float | None = None
    improved: float | None = None  # percentages of the pairs
    same: float | None = None
    worse: float | None = None
    p_value: float | None = None
    r: float | None = None  # effect size Z / sqrt(N); positive means confidence rose
    mean_before: float | None = None  # for scores; not published for ordinal ratings
    mean_after: float | None = None

    @property
    def suppressed(self):
        return self.pairs < SMALL_GROUP

    @property
    def note(self):
        if self.suppressed:
            return "Fewer than 5 people answered both surveys, so no figures are shown."
        if self.p_value is None:
            return "Fewer than 6 people answered both surveys, so no significance test is shown."
        if self.p_value < 0.05:
            return "The change is unlikely to be chance (p < 0.05)."
        return "The change could be chance (p ≥ 0.05)."

    @property
    def p_rounded(self):
        """The p-value as published: three decimal places, or "< 0.001"."""
        if self.p_value is None:
            return None
        return "< 0.001" if self.p_value < 0.001 else round(self.p_value, 3)

    @property
    def r_rounded(self):
        return None if self.r is None else round(self.r, 2)

    def published(self):
        """The figures as every page, export and PDF shows them, in `published_columns` order:
        each one "fewer than 5" for a group under five, "" where there is no test."""
        names = (
            "pairs",
            "median_before",
            "median_after",
            "improved",
            "same",
            "worse",
            "p_rounded",
            "r_rounded",
        )
        if self.suppressed:
            return [FEWER_THAN_FIVE] * len(names)
        return ["" if getattr(self, name) is None else getattr(self, name) for name in names]


def published_columns(before="Median before"):
    """Headings for `Comparison.published`; `before` names the first rating."""
    return [
        "People with both ratings",
        before,
        "Median after",
        "% more confident",
        "% the same",
        "% less confident",
        "p (Wilcoxon, Pratt)",
        "Effect size r",
    ]


def compare(counts):
    """Compare the before and after ratings of the same people, given as the database
    groups them: {(before, after): number of people}. Pairs missing a rating are left out.
    The pairs are taken in order, so the same counts give the same figures to the last digit
    however they were gathered (the tallies and the records list them differently)."""
    counts = dict(sorted((pair, n) for pair, n in counts.items() if None not in pair and n))
    n = sum(counts.values())
    if n < SMALL_GROUP:
        return Comparison(pairs=n)
    people = np.array(list(counts.values()))
    before = np.repeat(np.array([float(b) for b, _ in counts]), people)
    after = np.repeat(np.array([float(a) for _, a in counts]), people)
    differences = after - before
    p_value = r = None
    if n >= MIN_PAIRS_FOR_TEST and differences.any():
        result = wilcoxon(after, before, zero_method="pratt", method="approx")
        p_value = float(result.pvalue)
        # scipy's two-sided z carries no direction; take it from the signed rank sums.
        ranks = rankdata(np.abs(differences))
        direction = ranks[differences > 0].sum() - ranks[differences < 0].sum()
        r = math.copysign(abs(float(result.zstatistic)), direction) / math.sqrt(n)
    return Comparison(
        pairs=n,
        median_before=float(np.median(before)),
        median_after=float(np.median(after)),
        improved=_percent(differences > 0),
        same=_percent(differences == 0),
        worse=_percent(differences < 0),
        p_value=p_value,
        r=r,
        mean_before=float(before.mean()),
        mean_after=float(after.mean()),
    )


def normalised_gain(mean_before: float | None, mean_after: float | None, top: float = 100.0) -> float | None:
    """Hake's normalised gain of a group: (mean after - mean before) / (top - mean before),
    the share of the room to improve that was gained. None (not defined) when the mean before
    is already the top of the scale, or a mean is missing."""
    if mean_before is None or mean_after is None or mean_before >= top:
        return None
    return (mean_after - mean_before) / (top - mean_before)


def _percent(flags):
    return round(100 * float(flags.mean()), 1)
