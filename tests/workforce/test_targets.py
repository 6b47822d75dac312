"""The RAG status (workforce/targets.py) at the edge of each word, and a target in words."""

from datetime import date

import pytest

from cms.models import Agency
from workforce.coverage import CoverageRow
from workforce.models import CoverageTarget
from workforce.targets import RULE, status, target_text

DUE = date(2027, 3, 31)


def row(covered, workforce=1000, source="list", over=False):
    return CoverageRow(
        Agency(name="Police", code="police"), source, workforce=workforce, covered=covered, over=over
    )


def target(share=80, due_on=DUE, job_roles=()):
    return CoverageTarget(share=share, due_on=due_on, job_roles=list(job_roles))


@pytest.mark.parametrize(
    ("covered", "day", "word", "key"),
    [
        (800, DUE, "On track", "on-track"),  # exactly at the target, on the last day
        (801, date(2027, 4, 1), "On track", "on-track"),  # reached, after the date: still on track
        (800, date(2027, 4, 1), "On track", "on-track"),
        (700, DUE, "At risk", "at-risk"),  # 10 points below, the date not passed
        (799, date(2026, 11, 30), "At risk", "at-risk"),
        (699, DUE, "Off track", "off-track"),  # 10.1 points below
        (0, date(2026, 11, 30), "Off track", "off-track"),
        (799, date(2027, 4, 1), "Off track", "off-track"),  # the date passed, 0.1 below
    ],
)
def test_each_word_at_its_edges(covered, day, word, key):
    result = status(row(covered), target(), day)

    assert (result.word, result.key, str(result)) == (word, key, word)
    share = round(covered / 10, 1)
    assert f"{share:g}%" in result.reason or f"{share}%" in result.reason
    assert "80%" in result.reason


def test_the_reasons_name_the_gap_and_the_date():
    assert status(row(700), target(), DUE).reason == "70.0% covered, 10 points below the target of 80%."
    assert status(row(699), target(), DUE).reason == "69.9% covered, 10.1 points below the target of 80%."
    passed = status(row(799), target(), date(2027, 4, 1)).reason
    assert passed == "79.9% covered: the target of 80% was due by 31 March 2027."


@pytest.mark.parametrize(
    ("coverage_row", "goal", "reason"),
    [
        (row(800), None, "No target has been set."),
        (None, target(), "There is no workforce figure to measure the target against."),
        (
            row(0, workforce=0, source=""),
            target(),
            "There is no workforce figure to measure the target against.",
        ),
        (row(12, workforce=10, source="headcount", over=True), target(), "There is no workforce figure"),
    ],
)
def test_no_status_without_a_target_or_a_workforce(coverage_row, goal, reason):
    result = status(coverage_row, goal, DUE)

    assert (result.word, result.key) == ("No status", "none")
    assert result.reason.startswith(reason)


def test_a_target_in_words():
    assert target_text(None) == "No target"
    assert target_text(target()) == "80% of the workforce by 31 March 2027"
    assert (
        target_text(target(90, date(2026, 12, 1), ["police", "social_worker"]))
        == "90% of staff in these job roles (Police officer or staff, Social worker) by 1 December 2026"
    )
    assert target_text(target(50, DUE, ["police", "retired-role"])) == (
        "50% of staff in these job roles (Police officer or staff) by 31 March 2027"
    )


def test_the_rule_states_every_word_and_the_margin():
    for words in ("On track", "At risk", "Off track", "No status", "10 percentage points"):
        assert words in RULE
