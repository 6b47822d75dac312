"""After `migrate` alone on an empty database with the production settings, editors and
approvers may add and change sessions (never publish them), and sessions go through the
two-person approval."""

from tests.test_production_groups import fresh  # noqa: F401 (the migrated database, read)

SESSION_PERMISSIONS = [
    f"training.{action}_trainingsession" for action in ("add", "change", "delete", "lock", "unlock")
]


def test_a_fresh_migrate_puts_sessions_under_two_person_approval(fresh):  # noqa: F811
    assert "training.trainingsession" in fresh["workflow_snippets"]
    assert fresh["snippet_workflows"]["training.trainingsession"] == "Two-person approval"
    for group in ("editors", "approvers"):
        assert set(SESSION_PERMISSIONS) <= set(fresh[group]["model"])
        assert "training.publish_trainingsession" not in fresh[group]["model"]
