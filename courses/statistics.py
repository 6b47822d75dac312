"""Confidence before and after: the paired comparison the partnership reports.

Ratings are ordinal (1-5), so: medians, the share of people who rated higher, the same or
lower, and the Wilcoxon signed-rank test with Pratt's handling of zero differences, done by
scipy. Small groups are not reported: a figure about fewer than 5 people is withheld, and
no p-value is given for fewer than 6 pairs (it would mean nothing)."""

import math
import statistics
from dataclasses import dataclass

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

    def shown(self, name):
        """A figure as it may be published: withheld for groups under five."""
        if self.suppressed:
            return FEWER_THAN_FIVE
        value = getattr(self, name)
        return "" if value is None else value


def compare(pairs):
    """Compare (before, after) ratings of the same people."""
    pairs = [(b, a) for b, a in pairs if b is not None and a is not None]
    n = len(pairs)
    if n < SMALL_GROUP:
        return Comparison(pairs=n)
    before = [b for b, _ in pairs]
    after = [a for _, a in pairs]
    differences = [a - b for b, a in pairs]
    p_value = r = None
    if n >= MIN_PAIRS_FOR_TEST and any(differences):
        result = wilcoxon(after, before, zero_method="pratt", method="approx")
        p_value = float(result.pvalue)
        # scipy's two-sided z carries no direction; take it from the signed rank sums.
        ranks = rankdata([abs(d) for d in differences])
        rose = sum(rank for rank, d in zip(ranks, differences, strict=True) if d > 0)
        fell = sum(rank for rank, d in zip(ranks, differences, strict=True) if d < 0)
        r = math.copysign(abs(float(result.zstatistic)), rose - fell) / math.sqrt(n)
    return Comparison(
        pairs=n,
        median_before=float(statistics.median(before)),
        median_after=float(statistics.median(after)),
        improved=round(100 * sum(d > 0 for d in differences) / n, 1),
        same=round(100 * sum(d == 0 for d in differences) / n, 1),
        worse=round(100 * sum(d < 0 for d in differences) / n, 1),
        p_value=p_value,
        r=r,
    )
