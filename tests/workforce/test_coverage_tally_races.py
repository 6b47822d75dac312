"""Races on PostgreSQL for the coverage tallies (`workforce.tallies`): recounts of one person at
the same moment queue up on her profile's row, so she is counted once; recounts of different
people at the same moment each add their own counts to the cells they share.

Committed data, as in `test_concurrency` (threads cannot see a test's open transaction)."""

import pytest
from django.db.models import Sum

from tests.concurrency import run_at_once
from tests.courses.test_pair_tally_races import completed
from workforce import tallies
from workforce.models import CoverageMark, CoverageTally

pytestmark = pytest.mark.postgres


def cells():
    sums = CoverageTally.objects.values_list(*tallies.CELL).annotate(n=Sum("change"))
    return sorted(cell for cell in sums if cell[-1])


def spans(learner):
    return sorted(CoverageMark.objects.filter(user=learner.pk).values_list("measure", "start", "end"))


def test_recounting_one_person_at_once_counts_her_once(committed):
    learner, _ = completed(committed)
    kept, hers = cells(), spans(learner)
    assert ("people",) == tuple({measure for measure, _, _ in hers} - {"covered"} - {
        measure for measure, _, _ in hers if measure.startswith("c")
    })
    _, errors = run_at_once(6, lambda: tallies.recount(user_ids=[learner.pk]))
    assert errors == []
    assert cells() == kept
    assert spans(learner) == hers


def test_recounting_two_people_at_once_keeps_both(committed):
    """The same agency and job role: their counts share cells, which both recounts take away
    from and add to at once."""
    first, course = completed(committed)
    second, _ = completed(committed, course)
    kept = cells()
    waiting = [first.pk, second.pk]
    _, errors = run_at_once(2, lambda: tallies.recount(user_ids=[waiting.pop()]))
    assert errors == [] and waiting == []
    assert cells() == kept
