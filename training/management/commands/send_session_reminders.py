from datetime import timedelta
from smtplib import SMTPException

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from training import notices
from training.calendar import Origin
from training.models import Booking

AHEAD = timedelta(hours=48)


class Command(BaseCommand):
    help = (
        "Remind everyone with a place on a published session that starts within the next 48 hours. "
        "Safe to run often, twice at once or again after a crash: each place is reminded once."
    )

    def handle(self, *args, **options):
        now = timezone.now()
        due = (
            Booking.objects.filter(
                status=Booking.Status.BOOKED,
                reminder_sent_at__isnull=True,
                session__live=True,
                session__cancelled=False,
                session__starts_at__gt=now,
                session__starts_at__lte=now + AHEAD,
            )
            .select_related("person", "session__course")
            .order_by("session__starts_at", "pk")
        )
        origin = Origin.current()
        sent = failed = 0
        for booking in due:
            try:
                with transaction.atomic():
                    # The claim: a run that got here first (or is sending now, and holds the
                    # row) leaves nothing to update. A refused email rolls it back.
                    if not Booking.objects.filter(
                        pk=booking.pk, status=Booking.Status.BOOKED, reminder_sent_at__isnull=True
                    ).update(reminder_sent_at=timezone.now()):
                        continue
                    notices.reminder(booking, origin).send()
            except (SMTPException, OSError) as error:
                failed += 1
                self.stderr.write(f"Not sent to {booking.person.email} (tried again next run): {error}")
                continue
            sent += 1
        self.stdout.write(f"{sent} reminders sent, {failed} refused by the mail server.")
