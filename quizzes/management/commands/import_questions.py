from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quizzes.interchange import gift, moodle_xml
from quizzes.interchange.data import QuestionDataError
from quizzes.interchange.plan import MAX_IMPORT_BYTES, ImportError_, apply_plan, reused
from quizzes.models import Quiz

FORMATS = {"moodlexml": moodle_xml.parse, "gift": gift.parse}


class Command(BaseCommand):
    help = (
        "Import questions from a Moodle XML or GIFT file into a quiz, in one transaction. "
        "Unsupported question types are listed as skipped."
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

    def handle(self, *args, path, quiz, format=None, dry_run=False, **options):
        target = Quiz.objects.filter(slug=quiz).first()
        if target is None:
            raise CommandError(f"No quiz with the slug '{quiz}'.")
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
        try:
            created = apply_plan(target, plan)
        except QuestionDataError as error:
            raise CommandError(f"{path}: {error}. Nothing was imported.") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {len(created)} question(s) into '{quiz}'; skipped {len(plan.skipped)}."
            )
        )
