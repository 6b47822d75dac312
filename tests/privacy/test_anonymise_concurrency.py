"""On PostgreSQL: an administrator and the nightly run anonymising one account at the same
moment do it once (the row lock on the user), with one audit entry."""

import pytest
from django.contrib.auth import get_user_model
from wagtail.models import ModelLogEntry

from privacy import audit
from privacy.anonymise import anonymise
from privacy.models import Anonymisation
from tests.concurrency import run_at_once
from tests.factories import make_learner

pytestmark = pytest.mark.postgres


def test_four_anonymisations_at_once_anonymise_once(committed):
    learner = make_learner(first_name="Connie", last_name="Current")
    committed["users"].append(learner)
    try:
        results, errors = run_at_once(
            4,
            lambda: anonymise(
                get_user_model().objects.get(pk=learner.pk), None, Anonymisation.Reason.RETENTION
            ),
        )
        assert not errors, errors
        assert sorted(results) == [False, False, False, True]
        assert Anonymisation.objects.filter(user=learner).count() == 1
        assert ModelLogEntry.objects.filter(object_id=str(learner.pk), action=audit.ANONYMISED).count() == 1
        learner.refresh_from_db()
        assert learner.first_name == "Anonymised"
    finally:
        ModelLogEntry.objects.filter(object_id=str(learner.pk), action__in=audit.ACTIONS).delete()
