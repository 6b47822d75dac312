from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from quizzes.interchange import gift, moodle_xml
from quizzes.interchange.data import QuestionDataError
from quizzes.interchange.plan import (
    MAX_IMPORT_BYTES,
    ImportError_,
    apply_plan,
    imported_message,
    reused,
    workflow_on,
)
from quizzes.models import Quiz

FORMATS = {"moodlexml": moodle_xml.parse, "gift": gift.parse}


class Command(BaseCommand):
    help = (
        "Import questions from a Moodle XML or GIFT file into a quiz, in one transaction. "
        "Unsupported question types are listed as skipped. The questions arrive as drafts "
        "sent for approval in the name of --user, and reach learners only when approved."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--quiz", required=True, help="The slug of the quiz to add to.")
        parser.add_argument(
            "--format",
            choices=sorted(FORMATS),
            help="Default: from the file name (.xml is Moodle XML, otherwise GIFT).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would be created; create nothing."
        )
        parser.add_argument(
            "--user",
            metavar="EMAIL",
            help="The email of the person importing, who submits the questions for approval "
            "(required unless approval is turned off).",
        )

    def handle(self, *args, path, quiz, format=None, dry_run=False, user=None, **options):
        target = Quiz.objects.filter(slug=quiz).first()
        if target is None:
            raise CommandError(f"No quiz with the slug '{quiz}'.")
        importer = self._importer(user, required=workflow_on() and not dry_run)
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        if path.stat().st_size > MAX_IMPORT_BYTES:
            raise CommandError(
                f"{path}: larger than {MAX_IMPORT_BYTES // 1024 // 1024} MB. Nothing was imported."
            )
        fmt = format or ("moodlexml" if path.suffix.lower() == ".xml" else "gift")
        try:
            plan = FORMATS[fmt](path.read_bytes())
        except ImportError_ as error:
            raise CommandError(f"{path}: {error} Nothing was imported.") from None
        for data in plan.questions:
            tags = f" [{', '.join(data.get('tags', []))}]" if data.get("tags") else ""
            self.stdout.write(f"  {data['type']}: {data['text'][:70]}{tags}")
        for line in reused(target, plan):
            self.stdout.write(f"  reused as it is: {line}")
        for line in plan.skipped:
            self.stdout.write(f"  skipped: {line}")
        for line in plan.warnings:
            self.stdout.write(f"  warning: {line}")
        if dry_run:
            self.stdout.write(
                f"Dry run: {len(plan.questions)} question(s) would be imported into '{quiz}'; "
                "nothing was created."
            )
            return
        drafts = workflow_on()
        try:
            created = apply_plan(target, plan, importer)
        except QuestionDataError as error:
            raise CommandError(f"{path}: {error}. Nothing was imported.") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{imported_message(len(created), drafts)} into '{quiz}'; skipped {len(plan.skipped)}."
            )
        )

    def _importer(self, email, required):
        if not email:
            if required:
                raise CommandError(
                    "Imported questions are sent for approval in someone's name: give your "
                    "email with --user. Nothing was imported."
                )
            return None
        found = get_user_model().objects.filter(email__iexact=email.strip(), is_active=True).first()
        if found is None:
            raise CommandError(f"No active user with the email '{email}'. Nothing was imported.")
        return found
