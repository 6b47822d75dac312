"""Races on PostgreSQL: two `send_follow_ups` runs at the same moment send each person one
follow-up (the one-to-one row is the claim) and one reminder (the conditional update)."""

from datetime import timedelta

import pytest
from django.core import mail

from tests.concurrency import learner_and_course, run_at_once
from tests.training.test_follow_up_helpers import NOW, completed
from training import follow_up
from training.models import FollowUp

pytestmark = pytest.mark.postgres


def test_two_runs_at_once_send_one_follow_up_and_one_reminder_each(committed):
    _, course = learner_and_course(committed, lessons=0)
    done = [completed(course, NOW - timedelta(weeks=12, hours=n + 1)) for n in range(3)]
    committed["users"].extend(c.learner for c in done)
    try:
        mail.outbox = []
        results, errors = run_at_once(2, lambda: follow_up.send(NOW))
        assert errors == []
        assert sum(outcome.sent for outcome in results) == 3
        assert FollowUp.objects.filter(completion__in=done).count() == 3
        assert sorted(m.to[0] for m in mail.outbox) == sorted(c.learner.email for c in done)

        mail.outbox = []
        results, errors = run_at_once(2, lambda: follow_up.send(NOW + timedelta(days=14)))
        assert errors == []
        assert sum(outcome.reminded for outcome in results) == 3
        assert len(mail.outbox) == 3
        assert all(m.subject.startswith("Reminder: ") for m in mail.outbox)
    finally:
        FollowUp.objects.filter(completion__in=done).delete()
