"""The confidence comparison against scipy, on random data and on a worked example."""

import math
import random
from collections import Counter

import numpy as np
import pytest
from scipy.stats import rankdata, wilcoxon

from courses.statistics import FEWER_THAN_FIVE
from courses.statistics import compare as compare_counts


def compare(pairs):
    """The report hands over pairs counted by the database; count these the same way."""
    return compare_counts(Counter(pairs))


def scipy_figures(pairs):
    before, after = [b for b, _ in pairs], [a for _, a in pairs]
    result = wilcoxon(after, before, zero_method="pratt", method="approx")
    return result.pvalue, result.zstatistic / math.sqrt(len(pairs))


@pytest.mark.parametrize("seed", range(10))
def test_p_value_and_effect_size_match_scipy_on_random_data(seed):
    rng = random.Random(seed)
    pairs = [
        (b, min(5, max(1, b + rng.choice([-1, 0, 0, 1, 1, 2]))))
        for b in (rng.randint(1, 5) for _ in range(rng.randint(6, 80)))
    ]
    result = compare(pairs)
    p_value, r = scipy_figures(pairs)
    assert result.p_value == pytest.approx(p_value)
    assert abs(result.r) == pytest.approx(abs(r))
    mirrored = compare([(a, b) for b, a in pairs])
    assert mirrored.r == pytest.approx(-result.r)  # the sign says which way confidence moved


def test_a_worked_example():
    # Eight people; six rated higher after, one the same, one lower.
    pairs = [(2, 4), (1, 3), (3, 4), (2, 3), (3, 3), (2, 5), (4, 3), (1, 2)]
    result = compare(pairs)
    assert result.pairs == 8
    assert result.median_before == 2.0 and result.median_after == 3.0
    assert (result.improved, result.same, result.worse) == (75.0, 12.5, 12.5)
    # Differences after-before: 2,2,1,1,0,3,-1,1. Pratt ranks |d| including the zero:
    # 0->1, the four 1s -> 3.5 each, the two 2s -> 6.5 each, 3 -> 8.
    # W+ = 6.5+6.5+3.5+3.5+8+3.5 = 31.5 and W- = 3.5.
    p_value, r = scipy_figures(pairs)
    assert result.p_value == pytest.approx(p_value)
    assert result.r == pytest.approx(abs(r)) and result.r > 0  # confidence rose
    assert result.p_value < 0.05


def test_suppression_boundaries():
    four = [(1, 2)] * 4
    five = [(1, 2), (2, 3), (3, 3), (2, 4), (1, 1)]
    six = five + [(2, 5)]
    assert compare(four).suppressed and compare(four).published() == [FEWER_THAN_FIVE] * 8
    assert "Fewer than 5" in compare(four).note
    assert not compare(five).suppressed and compare(five).p_value is None
    assert "Fewer than 6" in compare(five).note
    assert compare(six).p_value is not None


def test_no_change_at_all_gives_no_test():
    result = compare([(3, 3)] * 10)
    assert result.p_value is None and result.same == 100.0


@pytest.mark.parametrize("seed", range(40))
def test_the_figures_from_counts_equal_numpy_and_scipy_on_one_value_per_person(seed):
    """`compare` works from {pair: people} without one value per person (so its cost follows
    the pairs, not the staff): on random ratings (odd seeds) and percentage scores (even), each
    figure equals what numpy and scipy give on the people's own values."""
    rng = random.Random(seed)
    size = rng.randint(5, 300)
    if seed % 2:
        pairs = [(rng.randint(1, 5), rng.randint(1, 5)) for _ in range(size)]
    else:
        pairs = [
            (round(100 * rng.randint(0, 12) / 12, 6), round(100 * rng.randint(0, 12) / 12, 6))
            for _ in range(size)
        ]
    result = compare_counts(Counter(pairs))
    before, after = np.array([b for b, _ in pairs], float), np.array([a for _, a in pairs], float)
    differences = after - before
    assert result.pairs == size
    assert (result.median_before, result.median_after) == (float(np.median(before)), float(np.median(after)))
    assert (result.improved, result.same, result.worse) == tuple(
        round(100 * float(flags.mean()), 1) for flags in (differences > 0, differences == 0, differences < 0)
    )
    assert result.mean_before == pytest.approx(before.mean(), rel=1e-12)
    assert result.mean_after == pytest.approx(after.mean(), rel=1e-12)
    if size < 6 or not differences.any():
        assert result.p_value is None
        return
    test = wilcoxon(after, before, zero_method="pratt", method="approx")
    ranks = rankdata(np.abs(differences))
    direction = ranks[differences > 0].sum() - ranks[differences < 0].sum()
    assert result.p_value == pytest.approx(test.pvalue, rel=1e-9, abs=1e-15)
    assert result.r == pytest.approx(
        math.copysign(abs(test.zstatistic), direction) / math.sqrt(size), rel=1e-9
    )
