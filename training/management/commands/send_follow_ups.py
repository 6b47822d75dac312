from django.core.management.base import BaseCommand

from training import follow_up


class Command(BaseCommand):
    help = (
        "Email the impact follow-up survey to people whose course's follow-up weeks have passed since "
        "they completed it (by no more than 4 weeks), and one reminder 14 days later if unanswered. "
        "Run daily: each person gets one email and one reminder at most, however often it runs."
    )

    def handle(self, *args, **options):
        outcome = follow_up.send()
        self.stdout.write(f"Sent {outcome.sent} follow-up(s) and {outcome.reminded} reminder(s).")
        if outcome.failed:
            self.stderr.write(
                f"The mail server refused {len(outcome.failed)} email(s): "
                "they will be tried again on the next run."
            )
