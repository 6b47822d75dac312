from django.core.mail import send_mail
from django.core.management.base import BaseCommand
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from certificates.models import Certificate
from certificates.rendering import site_address
from courses.models import Completion
from courses.services import REFRESHER_WINDOW


class Command(BaseCommand):
    help = (
        f"Email learners whose certificate expires within {REFRESHER_WINDOW.days} days that a refresher "
        "is due. Safe to run daily: each certificate gets one reminder, ever."
    )

    def handle(self, *args, **options):
        today = timezone.localdate()
        newer = Completion.objects.filter(
            learner=OuterRef("completion__learner"),
            course=OuterRef("completion__course"),
            completed_at__gt=OuterRef("completion__completed_at"),
        )
        due = (
            Certificate.objects.filter(
                revoked_at__isnull=True,
                reminder_sent_at__isnull=True,
                expires_on__lte=today + REFRESHER_WINDOW,
                expires_on__gte=today - REFRESHER_WINDOW,
            )
            .exclude(Exists(newer))
            .select_related("completion__learner", "completion__course")
        )
        link = site_address() + reverse("courses:my_learning")
        sent = 0
        for certificate in due:
            # Claim the reminder first: a second run (or a parallel one) finds it taken.
            if not Certificate.objects.filter(pk=certificate.pk, reminder_sent_at__isnull=True).update(
                reminder_sent_at=timezone.now()
            ):
                continue
            learner = certificate.completion.learner
            try:
                send_mail(
                    subject=f"Time for your refresher: {certificate.course_title}",
                    message=(
                        f"Hello {learner.first_name},\n\nYour certificate for {certificate.course_title} "
                        f"expires on {certificate.expires_on:%-d %B %Y}. You can start the refresher course "
                        f"from My learning: {link}\n"
                    ),
                    from_email=None,
                    recipient_list=[learner.email],
                )
            except Exception:
                Certificate.objects.filter(pk=certificate.pk).update(reminder_sent_at=None)
                raise
            sent += 1
        self.stdout.write(f"Sent {sent} refresher reminder(s).")
