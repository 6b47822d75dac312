"""Confidence before and after: the paired comparison the partnership reports.

Ratings are ordinal (1-5), so: medians, the share of people who rated higher, the same or
lower, and the Wilcoxon signed-rank test with Pratt's handling of zero differences, done by
scipy. Small groups are not reported: a figure about fewer than 5 people is withheld, and
no p-value is given for fewer than 6 pairs (it would mean nothing).

The same comparison serves continuous scores (knowledge before and after, as percentages):
`compare` also gives the means, and `normalised_gain` Hake's class-average gain."""

import math
from collections import Counter
from dataclasses import dataclass

from scipy.stats import norm

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

    Everything is worked out from the counts, never from one value per person, so the cost
    follows the number of different pairs rather than of people (the tallies give a count for
    each pair however many staff there are). The Wilcoxon signed-rank test is scipy's with
    Pratt's method and the normal approximation (`wilcoxon(after, before,
    zero_method="pratt", method="approx")`), done on the counts: average ranks per size of
    difference, the mean and variance less the zeros' share (Cureton), and the tie correction
    without the zeros. The pairs are taken in order, so the same counts give the same figures
    to the last digit however they were gathered."""
    counts = dict(sorted((pair, n) for pair, n in counts.items() if None not in pair and n))
    n = sum(counts.values())
    if n < SMALL_GROUP:
        return Comparison(pairs=n)
    differences = Counter()
    for (before, after), people in counts.items():
        differences[float(after) - float(before)] += people
    same = differences.get(0.0, 0)
    p_value = r = None
    if n >= MIN_PAIRS_FOR_TEST and same < n:
        p_value, r = _signed_rank(differences, n)
    return Comparison(
        pairs=n,
        median_before=_median([(float(b), people) for (b, _), people in counts.items()], n),
        median_after=_median([(float(a), people) for (_, a), people in counts.items()], n),
        improved=_percent(sum(people for d, people in differences.items() if d > 0), n),
        same=_percent(same, n),
        worse=_percent(sum(people for d, people in differences.items() if d < 0), n),
        p_value=p_value,
        r=r,
        mean_before=math.fsum(float(b) * people for (b, _), people in counts.items()) / n,
        mean_after=math.fsum(float(a) * people for (_, a), people in counts.items()) / n,
    )


def _signed_rank(differences: Counter, n: int) -> tuple[float, float]:
    """The two-sided p-value of the Wilcoxon signed-rank test (Pratt, normal approximation)
    and the effect size r = Z / sqrt(N), signed by which way the ranks lean."""
    sizes = Counter()
    for difference, people in differences.items():
        sizes[abs(difference)] += people
    rank, below = {}, 0
    for size in sorted(sizes):
        rank[size] = below + (sizes[size] + 1) / 2  # the average of ranks below + 1 ... below + t
        below += sizes[size]
    plus = math.fsum(people * rank[d] for d, people in differences.items() if d > 0)
    minus = math.fsum(people * rank[-d] for d, people in differences.items() if d < 0)
    zeros = differences.get(0.0, 0)
    mean = n * (n + 1) * 0.25 - zeros * (zeros + 1) * 0.25
    variance = n * (n + 1) * (2 * n + 1) - zeros * (zeros + 1) * (2 * zeros + 1)
    variance -= sum(t**3 - t for size, t in sizes.items() if size != 0) / 2
    z = (plus - mean) / math.sqrt(variance / 24)
    return float(2 * norm.sf(abs(z))), math.copysign(abs(z), plus - minus) / math.sqrt(n)


def _median(values: list[tuple[float, int]], n: int) -> float:
    """The median of values given with how many people have each: the middle one, or the
    mean of the middle two."""
    middle, seen, found = ((n - 1) // 2, n // 2), 0, []
    for value, people in sorted(values):
        found += [value] * sum(seen <= place < seen + people for place in middle)
        seen += people
    return (found[0] + found[1]) / 2


def normalised_gain(mean_before: float | None, mean_after: float | None, top: float = 100.0) -> float | None:
    """Hake's normalised gain of a group: (mean after - mean before) / (top - mean before),
    the share of the room to improve that was gained. None (not defined) when the mean before
    is already the top of the scale, or a mean is missing."""
    if mean_before is None or mean_after is None or mean_before >= top:
        return None
    return (mean_after - mean_before) / (top - mean_before)


def _percent(part, whole):
    return round(100 * (part / whole), 1)
