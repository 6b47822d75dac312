"""Reports read from a real streaming replica, and still show a lead her own fresh writes.

A primary and a replica made from it with `pg_basebackup -R` are started for this module,
the primary holding a copy of the suite's test database. Pausing the replica's replay
(`pg_wal_replay_pause()`) makes it lag for as long as a test needs: what a report shows then
tells which server it read. Django's `TEST: {"MIRROR": ...}` would only point a second alias
at the same database, proving nothing, so each scenario runs in a Django process of its own
whose settings name the pair (tests/replica/scenarios.py)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from tests.conftest import IN_CI
from tests.replica.pair import missing_binaries, streaming_pair

# django_db: so that pytest-django makes the test database this module copies, run alone too.
pytestmark = [pytest.mark.postgres, pytest.mark.django_db]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def pair(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            pytest.skip("the replica tests run in the PostgreSQL run (DATABASE_URL=postgres://...)")
        major = connection.pg_version // 10000
        source = connection.settings_dict
    if reason := missing_binaries(major):
        if IN_CI:  # .ci/run installs PostgreSQL's server programs: their absence there is a failure
            pytest.fail(f"CI=true but {reason}")
        pytest.skip(reason)
    with streaming_pair(major, source) as started:
        yield started


def run(pair, *scenarios):
    """Scenarios in a fresh Django process against the pair: their facts, and its log."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.test",
        "DATABASE_URL": pair.primary_url,
        "REPLICA_DATABASE_URL": pair.replica_url,
    }
    done = subprocess.run(
        [sys.executable, "-m", "tests.replica.scenarios", *scenarios],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1]), done.stderr


@pytest.fixture(scope="module")
def facts(pair):
    """The scenarios with the replica up, in one process (each Django process takes seconds
    to start); each makes an agency of its own."""
    found, _ = run(pair, "report_reads_replica", "read_your_writes", "export_writes_audit_to_primary")
    return found


def test_the_replica_is_a_real_streaming_standby(pair):
    assert pair.sql(pair.replica_port, "SELECT pg_is_in_recovery()") is True
    streaming = "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'"
    assert pair.sql(pair.primary_port, streaming) == 1


def test_a_report_reads_the_replica(facts):
    facts = facts["report_reads_replica"]
    assert facts["completions"] == {"primary": 2, "replica": 1}  # the replica really is behind
    paused = facts["paused"]
    assert paused["status"] == 200
    assert paused["staff"] == {"Ada Early": True, "Lena Lead": False}  # and no Bea
    # Every figure came from the replica. The primary was read for who is signed in (before
    # the view), and written to only by the session middleware after it.
    assert paused["queries"]["replica reads"] > 10
    assert paused["queries"]["default reads"] <= 5
    assert paused["queries"]["default writes"] == ["django_session"]
    # Once the replica has caught up, Bea is there too: it lagged, and the report read it.
    assert facts["caught_up"]["staff"]["Bea Late"] is True


def test_a_streamed_download_reads_the_replica_after_its_view_returns(facts):
    assert facts["report_reads_replica"]["streamed"] == 1  # the replica's count, not the primary's 2


def test_the_api_checks_its_token_on_the_primary_and_reads_figures_from_the_replica(facts):
    api = facts["report_reads_replica"]["api"]
    assert api["status"] == 200  # the token, made after the replica stopped, was found
    assert api["completed"] == 1  # Ada's: Bea's completion is not on the replica yet
    assert api["queries"]["replica reads"] > 5


def test_a_lead_sees_her_own_fresh_completion(facts):
    facts = facts["read_your_writes"]
    assert facts["finish_status"] == 302
    assert facts["completions"] == {"primary": 1, "replica": 0}
    lead = facts["lead"]
    assert lead["staff"]["Lena Lead"] is True  # from the primary, which has it
    assert "replica reads" not in lead["queries"]
    # Her colleague, who wrote nothing, reads the replica at the same moment: it has not got it.
    colleague = facts["colleague"]
    assert colleague["staff"]["Lena Lead"] is False
    assert colleague["queries"]["replica reads"] > 10
    # And once her window has passed, she reads the replica again.
    after = facts["lead_after_window"]
    assert after["staff"]["Lena Lead"] is False
    assert after["queries"]["replica reads"] > 10


def test_an_exports_audit_entries_are_written_to_the_primary(facts):
    facts = facts["export_writes_audit_to_primary"]
    assert facts["status"] == 200
    assert facts["names"] == ["Ada Early", "Lena Lead"]  # the replica's staff: Bea came later
    ids = facts["ids"]
    assert facts["audited"] == {"primary": sorted([ids["ada"], ids["lead"]]), "replica": []}
    assert facts["queries"]["default writes"] == ["wagtailcore_modellogentry", "django_session"]
    assert facts["queries"]["replica reads"] > 0


def test_with_the_replica_down_reports_read_the_primary(pair):
    pair.stop("replica")
    try:
        facts, log = run(pair, "report_without_replica")
    finally:
        pair.start("replica", pair.replica_port)
        pair.wait_for_replay()
    facts = facts["report_without_replica"]
    assert facts["status"] == 200
    assert facts["staff"] == {"Ada Early": False, "Lena Lead": False}  # listed, nothing completed
    assert facts["replica_configured"] is True
    assert "replica reads" not in facts["queries"]
    assert "The read replica cannot be reached; reading from the primary for the next 30 seconds" in log
    # The next report reads the primary without trying the replica again (REPLICA_RETRY_SECONDS).
    assert facts["second"]["status"] == 200 and facts["second"]["tries"] == 0
