"""Email each owner, once a week, what she must review and the broken links in her content.

Run it from cron weekly, on Monday at 07:00 (Europe/London):

    0 7 * * 1  cd /srv/slh && .venv/bin/python manage.py send_review_digests

One email per person who owns something (herself, or through a team she is in) that is
overdue or due within 30 days, or whose content uses a failing link. Running it twice in a
week, or two runs at once, sends each person one email: the (recipient, week) ReviewDigest
row is claimed first, in a transaction held until the email is sent and the row marked
sent, and the unique constraint makes a second claim wait and then find it sent.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from cms import reviews
from cms.models import ReviewDigest
from links.digest import failing_links_for


def absolute(path):
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def recipients(rows):
    """Everyone who owns any reviewed content, herself or through a team: the due rows'
    owners, and the owners of anything a failing link may be in."""
    person_ids, team_ids = set(), set()
    for model in reviews.reviewed_models():
        for person_id, team_id in model._default_manager.values_list("owner_person", "owner_team"):
            person_ids.add(person_id)
            team_ids.add(team_id)
    User = get_user_model()
    return (
        User.objects.filter(Q(pk__in=person_ids - {None}) | Q(groups__in=team_ids - {None}), is_active=True)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def digest_for(user, rows):
    """(her due rows, her failing links)."""
    group_ids = set(user.groups.values_list("pk", flat=True))
    own = [row for row in rows if reviews.owned_by(row, user, group_ids)]
    return own, failing_links_for(user)


def build_email(user, own, links, today):
    context = {
        "user": user,
        "today": reviews.format_date(today),
        "rows": [{"row": row, "url": absolute(row.edit_url)} for row in own],
        "overdue": sum(1 for row in own if row.band == reviews.OVERDUE),
        "links": [
            {"link": link, "places": [(title, absolute(url)) for title, url in link.objects]}
            for link in links
        ],
        "report_url": absolute(reverse("cms_reviews:due_for_review") + f"?owner=person-{user.pk}&window=30"),
    }
    parts = []
    if own:
        parts.append(f"{len(own)} item{'s' if len(own) != 1 else ''} to review")
    if links:
        parts.append(f"{len(links)} broken link{'s' if len(links) != 1 else ''}")
    subject = "Safeguarding Learning Hub: " + " and ".join(parts)
    message = EmailMultiAlternatives(
        subject,
        render_to_string("cms/email/review_digest.txt", context),
        settings.DEFAULT_FROM_EMAIL,
        [user.email],
    )
    message.attach_alternative(render_to_string("cms/email/review_digest.html", context), "text/html")
    return message


def send_digests(today=None):
    """Send this week's digests; returns how many were sent."""
    today = today or timezone.localdate()
    week = reviews.week_starting(today)
    rows = reviews.due_items(today, within_days=30)
    sent = 0
    for user in recipients(rows):
        own, links = digest_for(user, rows)
        if not own and not links:
            continue
        with transaction.atomic():
            digest, created = ReviewDigest.objects.get_or_create(recipient=user, week_starting=week)
            if not created:
                # Wait for a run that claimed it first to finish, then look again.
                digest = ReviewDigest.objects.select_for_update().get(pk=digest.pk)
                if digest.sent_at is not None:
                    continue
            build_email(user, own, links, today).send()
            digest.sent_at = timezone.now()
            digest.items, digest.broken_links = len(own), len(links)
            digest.save(update_fields=["sent_at", "items", "broken_links"])
        sent += 1
    return sent


class Command(BaseCommand):
    help = "Email each owner this week's content due for review and her broken links (weekly; safe to rerun)."

    def handle(self, *args, **options):
        sent = send_digests()
        self.stdout.write(f"Sent {sent} review digest{'s' if sent != 1 else ''}.")
