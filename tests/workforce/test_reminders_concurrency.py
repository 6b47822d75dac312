"""Races on PostgreSQL: two leads pressing "Send" for the same person at the same moment send
one email and log one reminder, whether the person was never reminded (the insert the
primary key guards) or was reminded more than 7 days ago (the conditional update)."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

from cms.models import Agency
from tests.concurrency import run_at_once
from workforce import reminders, states
from workforce.models import Reminder, ReminderWindow

pytestmark = pytest.mark.postgres


def person(email, agency):
    return {
        "email": email,
        "name": "Rae Race",
        "agency_id": agency.pk,
        "user_id": None,
        "state": states.NOT_REGISTERED,
    }


@pytest.mark.parametrize("reminded_before", [False, True])
def test_two_leads_sending_at_once_send_one_email(committed, reminded_before):
    agency = Agency.objects.get(code="housing")
    email = f"race.{int(reminded_before)}@example.org"
    leads = [
        get_user_model().objects.create_user(username=f"racer{n}@example.org", email=f"racer{n}@example.org")
        for n in range(4)
    ]
    committed["users"].extend(leads)
    try:
        if reminded_before:
            ReminderWindow.objects.create(email=email, last_sent_at=timezone.now() - timedelta(days=8))
        mail.outbox = []
        senders = iter(leads)
        results, errors = run_at_once(
            4, lambda: reminders.send([person(email, agency)], {agency.pk: agency.name}, next(senders))
        )

        assert errors == []
        assert sorted(len(outcome.sent) for outcome in results) == [0, 0, 0, 1]
        assert Reminder.objects.filter(email=email).count() == 1
        assert [message.to for message in mail.outbox] == [[email]]
    finally:
        Reminder.objects.filter(email=email).delete()
        ReminderWindow.objects.filter(email=email).delete()
