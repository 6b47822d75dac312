"""The weekly review digest: one email a week to each person who owns something overdue or
due within 30 days (herself or through a team) or whose content has a failing link; the
admin URLs in it; and never twice in a week, run twice or twice at once."""

import datetime
import io
import threading
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from cms.models import Resource, ReviewDigest
from links.models import Link, LinkUse, Status
from tests.factories import make_resources
from tests.workflow_helpers import make_approver

LONDON = ZoneInfo("Europe/London")
BASE = "https://hub.example.org"
MONDAY = datetime.datetime(2027, 3, 8, 7, 0, tzinfo=LONDON)  # a Monday, 07:00 as cron runs it


def resource(title, last_reviewed, **fields):
    [made] = make_resources(1, last_reviewed=last_reviewed, **fields)
    Resource.objects.filter(pk=made.pk).update(title=title)
    made.title = title
    return made


def run():
    out = io.StringIO()
    call_command("send_review_digests", stdout=out)
    return out.getvalue()


def to(user):
    return [message for message in mail.outbox if message.to == [user.email]]


@pytest.fixture
def owners(db):
    ada = make_approver(first_name="Ada")
    team = Group.objects.create(name="Children's services team")
    bea = make_approver(first_name="Bea")
    bea.groups.add(team)
    cat = make_approver(first_name="Cat")  # owns only something not yet due
    made = {
        "overdue": resource("Ada's overdue guide", datetime.date(2026, 2, 1), owner_person=ada),
        "soon": resource("Ada's soon guide", datetime.date(2026, 3, 30), owner_person=ada),
        "later": resource("Ada's later guide", datetime.date(2026, 5, 1), owner_person=ada),
        "team": resource("Team guide", None, owner_team=team),
        "fine": resource("Cat's fine guide", datetime.date(2026, 12, 1), owner_person=cat),
    }
    return ada, bea, cat, team, made


@pytest.mark.django_db
@override_settings(WAGTAILADMIN_BASE_URL=BASE)
def test_one_email_each_with_her_items_and_their_admin_links(owners):
    ada, bea, cat, team, made = owners
    with time_machine.travel(MONDAY, tick=False):
        run()
    [email] = to(ada)
    assert email.subject == "Safeguarding Learning Hub: 2 items to review"
    body = email.body
    assert "Ada's overdue guide (Resource): Overdue since 1 February 2027" in body
    assert "Ada's soon guide (Resource): 30 March 2027" in body
    assert "Ada's later guide" not in body  # due 1 May: not within 30 days
    assert BASE + reverse("wagtailsnippets_cms_resource:edit", args=[made["overdue"].pk]) in body
    assert f"{BASE}/admin/reports/due-for-review/?owner=person-{ada.pk}&window=30" in body
    [(html, mime)] = email.alternatives
    assert mime == "text/html"
    assert f'<a href="{BASE}{reverse("wagtailsnippets_cms_resource:edit", args=[made["soon"].pk])}">' in html

    [team_email] = to(bea)  # a member of the owning team gets the team's item
    assert "Team guide (Resource): Overdue (never reviewed)" in team_email.body
    assert to(cat) == []

    digest = ReviewDigest.objects.get(recipient=ada)
    assert digest.week_starting == datetime.date(2027, 3, 8)
    assert digest.sent_at is not None and digest.items == 2 and digest.broken_links == 0


@pytest.mark.django_db
@override_settings(WAGTAILADMIN_BASE_URL=BASE)
def test_broken_links_in_her_content_are_listed(owners):
    ada, bea, cat, team, made = owners
    link = Link.objects.create(
        url="https://example.org/gone",
        status=Status.BROKEN,
        http_code=404,
        failing_since=datetime.datetime(2027, 3, 1, 9, 0, tzinfo=LONDON),
    )
    LinkUse.objects.create(
        link=link,
        content_type=ContentType.objects.get_for_model(Resource),
        object_id=str(made["fine"].pk),
        field="url",
    )
    with time_machine.travel(MONDAY, tick=False):
        run()
    [email] = to(cat)  # nothing due, but a broken link
    assert email.subject == "Safeguarding Learning Hub: 1 broken link"
    assert "https://example.org/gone: Broken (404), failing since 1 March 2027" in email.body
    assert (
        f"Used in Cat's fine guide: {BASE}"
        + reverse("wagtailsnippets_cms_resource:edit", args=[made["fine"].pk])
        in email.body
    )
    assert ReviewDigest.objects.get(recipient=cat).broken_links == 1


@pytest.mark.django_db
def test_running_twice_in_a_week_sends_nothing_twice(owners):
    ada, bea, *_ = owners
    with time_machine.travel(MONDAY, tick=False):
        run()
    sent = len(mail.outbox)
    assert len(to(ada)) == 1
    with time_machine.travel(MONDAY + datetime.timedelta(days=2), tick=False):  # Wednesday: same week
        assert run() == "Sent 0 review digests.\n"
    assert len(mail.outbox) == sent
    recipients = [tuple(message.to) for message in mail.outbox]
    assert len(recipients) == len(set(recipients))  # one each

    with time_machine.travel(MONDAY + datetime.timedelta(days=7), tick=False):  # next Monday
        run()
    assert len(to(ada)) == 2
    assert ReviewDigest.objects.filter(recipient=ada).count() == 2


@pytest.mark.django_db
def test_a_claim_left_unsent_by_a_crashed_run_is_sent(owners):
    ada, *_ = owners
    ReviewDigest.objects.create(recipient=ada, week_starting=datetime.date(2027, 3, 8), sent_at=None)
    with time_machine.travel(MONDAY, tick=False):
        run()
    assert len(to(ada)) == 1
    assert ReviewDigest.objects.get(recipient=ada).sent_at is not None


@pytest.mark.postgres
def test_two_runs_at_once_send_once(committed):
    """Two processes' worth of runs on PostgreSQL: threads with their own connections."""
    from cms.management.commands.send_review_digests import send_digests

    before = ReviewDigest.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    ada = make_approver(first_name="Ada")
    committed["users"].append(ada)
    item = resource("Concurrent guide", None, owner_person=ada)
    today = datetime.date(2031, 1, 6)  # a Monday no other test uses
    barrier = threading.Barrier(2)
    counts, errors = [], []

    def worker():
        try:
            barrier.wait()
            counts.append(send_digests(today))
        except Exception as error:  # noqa: BLE001 (reported by the assertion below)
            errors.append(error)
        finally:
            connection.close()

    mail.outbox = []
    try:
        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert len(to(ada)) == 1
        assert ReviewDigest.objects.filter(recipient=ada).count() == 1
        assert len(mail.outbox) == sum(counts)
    finally:
        item.delete()
        ReviewDigest.objects.filter(pk__gt=before).delete()
