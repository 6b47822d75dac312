"""`send_follow_ups`: who is due, one email and one reminder at most, and nothing lost or
doubled when the mail server fails or the command runs again."""

import io
from datetime import timedelta
from smtplib import SMTPException

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from privacy.models import Anonymisation
from tests.training.test_follow_up_helpers import NOW, completed, course_with
from training import follow_up
from training.models import FollowUp

pytestmark = pytest.mark.django_db
WEEK = timedelta(weeks=1)
HOUR = timedelta(hours=1)


def run():
    out = io.StringIO()
    call_command("send_follow_ups", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_due_from_the_courses_weeks_for_four_weeks_and_no_longer():
    twelve, six = course_with(12), course_with(6)
    not_yet = completed(twelve, NOW - 12 * WEEK + HOUR)
    just_due = completed(twelve, NOW - 12 * WEEK - HOUR)
    nearly_too_late = completed(twelve, NOW - 16 * WEEK + HOUR)
    completed(twelve, NOW - 16 * WEEK - HOUR)  # trained too long ago: never emailed
    six_weeks = completed(six, NOW - 7 * WEEK)
    completed(twelve, NOW - 7 * WEEK)  # 7 weeks is not yet 12

    assert {c.pk for c in follow_up.due(NOW)} == {just_due.pk, nearly_too_late.pk, six_weeks.pk}
    assert not_yet.pk not in {c.pk for c in follow_up.due(NOW + HOUR - timedelta(minutes=1))}


def test_inactive_anonymised_and_already_sent_are_skipped():
    course = course_with(12)
    at = NOW - 13 * WEEK
    inactive, anonymised, sent, due = (completed(course, at) for _ in range(4))
    inactive.learner.is_active = False
    inactive.learner.save()
    Anonymisation.objects.create(user=anonymised.learner, reason=Anonymisation.Reason.REQUEST)
    FollowUp.objects.create(completion=sent, sent_at=NOW - WEEK)

    assert [c.pk for c in follow_up.due(NOW)] == [due.pk]


def test_completing_the_same_course_twice_is_followed_up_once_for_the_later():
    course = course_with(12)
    first = completed(course, NOW - 14 * WEEK)
    second = completed(course, NOW - 12 * WEEK - HOUR, learner=first.learner)
    assert [c.pk for c in follow_up.due(NOW)] == [second.pk]

    recent = course_with(12)
    earlier = completed(recent, NOW - 13 * WEEK)
    completed(recent, NOW - 2 * WEEK, learner=earlier.learner)  # its own follow-up comes in 10 weeks
    assert earlier.pk not in {c.pk for c in follow_up.due(NOW)}


def test_finding_the_due_ones_takes_the_same_queries_for_one_or_many(django_assert_num_queries):
    course = course_with(12)
    completed(course, NOW - 13 * WEEK)
    with django_assert_num_queries(2):  # the courses' distinct weeks, then the due completions
        assert len(list(follow_up.due(NOW))) == 1
    for _ in range(6):
        completed(course, NOW - 13 * WEEK)
    with django_assert_num_queries(2):
        assert len(list(follow_up.due(NOW))) == 7
    FollowUp.objects.create(
        completion=completed(course, NOW - 13 * WEEK), sent_at=NOW - 15 * timedelta(days=1)
    )
    with django_assert_num_queries(1):
        assert len(list(follow_up.reminders_due(NOW))) == 1


def test_one_email_with_the_link_then_nothing_on_the_next_runs():
    course = course_with(12, title="Recognising abuse")
    done = completed(course, NOW - 12 * WEEK - HOUR)
    mail.outbox = []
    with time_machine.travel(NOW, tick=False):
        assert run().startswith("Sent 1 follow-up(s) and 0 reminder(s).")
        assert run().startswith("Sent 0 follow-up(s) and 0 reminder(s).")
    with time_machine.travel(NOW + timedelta(days=13), tick=False):  # a day before any reminder
        run()

    sent = FollowUp.objects.get(completion=done)
    assert sent.sent_at == NOW
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [done.learner.email]
    assert message.subject == "Has Recognising abuse helped in your work?"
    link = next(
        line for line in message.body.splitlines() if line.startswith("Answer the follow-up survey: ")
    )
    assert link.endswith(f"/follow-up/{sent.pk}/")
    assert "8 December 2015" in message.body  # 84 days (and an hour) before 1 March 2016, a leap year


def test_one_reminder_after_fourteen_days_if_unanswered_never_more():
    course = course_with(12)
    first, answered = completed(course, NOW - 12 * WEEK - HOUR), completed(course, NOW - 12 * WEEK - HOUR)
    with time_machine.travel(NOW, tick=False):
        run()
    FollowUp.objects.filter(completion=answered).update(answered_at=NOW + timedelta(days=1), used="often")
    mail.outbox = []
    with time_machine.travel(NOW + timedelta(days=14) - HOUR, tick=False):
        run()
    assert mail.outbox == []
    with time_machine.travel(NOW + timedelta(days=14), tick=False):
        assert run().startswith("Sent 0 follow-up(s) and 1 reminder(s).")
    with time_machine.travel(NOW + timedelta(days=29), tick=False):
        run()

    assert [m.to for m in mail.outbox] == [[first.learner.email]]
    assert mail.outbox[0].subject.startswith("Reminder: ")
    assert FollowUp.objects.get(completion=first).reminded_at == NOW + timedelta(days=14)
    assert FollowUp.objects.get(completion=answered).reminded_at is None


def test_no_reminder_for_a_follow_up_sent_more_than_six_weeks_ago():
    course = course_with(12)
    old = FollowUp.objects.create(
        completion=completed(course, NOW - 20 * WEEK), sent_at=NOW - 6 * WEEK - HOUR
    )
    mail.outbox = []
    with time_machine.travel(NOW, tick=False):
        run()
    assert mail.outbox == []
    old.refresh_from_db()
    assert old.reminded_at is None


def test_a_mail_server_failure_claims_nothing_and_the_next_run_sends(monkeypatch):
    course = course_with(12)
    done = completed(course, NOW - 12 * WEEK - HOUR)

    def refuse(*args, **kwargs):
        raise SMTPException("451 try later")

    monkeypatch.setattr(follow_up, "send_mail", refuse)
    outcome = follow_up.send(NOW)
    assert (outcome.sent, outcome.failed) == (0, [done.pk])
    assert not FollowUp.objects.filter(completion=done).exists()

    monkeypatch.undo()
    mail.outbox = []
    assert follow_up.send(NOW + HOUR).sent == 1
    assert len(mail.outbox) == 1

    monkeypatch.setattr(follow_up, "send_mail", refuse)
    later = NOW + HOUR + timedelta(days=14)
    assert follow_up.send(later).failed == [FollowUp.objects.get(completion=done).pk]
    assert FollowUp.objects.get(completion=done).reminded_at is None
    monkeypatch.undo()
    assert follow_up.send(later).reminded == 1
