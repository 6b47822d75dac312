"""Reminders a lead sends her staff, and invitations to register to those on her staff list
who have no account yet: at most one email to a person in any 7 days, whoever sends it.

Each send claims the person's `ReminderWindow` (a conditional update, or an insert the
primary key guards) in the transaction that logs the `Reminder` and sends the email, so two
leads pressing "Send" at once send one email, and a failed email leaves no claim behind.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from smtplib import SMTPException

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from certificates.rendering import site_address
from workforce import states
from workforce.models import Reminder, ReminderWindow

WINDOW = timedelta(days=7)


@dataclass
class Outcome:
    sent: list[str] = field(default_factory=list)  # emails sent a reminder or an invitation
    skipped: list[str] = field(default_factory=list)  # reminded in the last 7 days
    failed: list[str] = field(default_factory=list)  # the mail server refused: nothing claimed or logged


def claim(email: str, now) -> bool:
    """Take the 7-day window for `email`; False if someone was sent an email less than 7 days ago.
    Call inside a transaction: the claim stands only if it commits."""
    if ReminderWindow.objects.filter(email=email, last_sent_at__lte=now - WINDOW).update(last_sent_at=now):
        return True
    if ReminderWindow.objects.filter(email=email).exists():
        return False
    try:
        with transaction.atomic():
            ReminderWindow.objects.create(email=email, last_sent_at=now)
    except IntegrityError:  # another lead's send made it first
        return False
    return True


def message(person: dict, agency_name: str, sender_name: str, address: str) -> tuple[str, str, str]:
    """(kind, subject, body) of the email `person` (a row of `states.COLUMNS`) is sent."""
    inviting = person["state"] == states.NOT_REGISTERED
    kind = Reminder.Kind.INVITATION if inviting else Reminder.Kind.REMINDER
    template = "invitation" if inviting else "reminder"
    link = address + reverse("courses:register" if inviting else "courses:my_learning")
    context = {
        "name": person["name"],
        "agency": agency_name,
        "sender": sender_name,
        "link": link,
        "state": states.STATES[person["state"]].label,
    }
    subject = render_to_string(f"workforce/email/{template}_subject.txt", context).strip()
    body = render_to_string(f"workforce/email/{template}.txt", context)
    return kind, subject, body


def send(people: list[dict], agency_names: dict[int, str], sender) -> Outcome:
    """Send each person (rows of `states.COLUMNS`, already checked to be the sender's staff)
    a reminder or an invitation, unless they had one in the last 7 days."""
    outcome = Outcome()
    address = site_address()
    sender_name = sender.get_full_name() or sender.email
    done = set()
    for person in people:
        email = person["email"].lower()
        if email in done:  # on two of her agencies' lists: one email
            continue
        done.add(email)
        kind, subject, body = message(person, agency_names[person["agency_id"]], sender_name, address)
        try:
            with transaction.atomic():
                now = timezone.now()
                if not claim(email, now):
                    outcome.skipped.append(email)
                    continue
                Reminder.objects.create(
                    agency_id=person["agency_id"],
                    email=email,
                    user_id=person["user_id"],
                    kind=kind,
                    state=person["state"],
                    sent_by=sender,
                )
                send_mail(subject, body, None, [email])
        except (SMTPException, OSError):  # rolled back: she can be sent one when it works again
            outcome.failed.append(email)
            continue
        outcome.sent.append(email)
    return outcome


def last_reminded(emails, agencies) -> dict[str, Reminder]:
    """The latest reminder each address was sent by the agencies' leads (one query)."""
    latest = {}
    reminders = (
        Reminder.objects.filter(email__in=[e.lower() for e in emails], agency__in=agencies)
        .select_related("sent_by")
        .order_by("email", "-sent_at")
    )
    for reminder in reminders:
        latest.setdefault(reminder.email, reminder)
    return latest
