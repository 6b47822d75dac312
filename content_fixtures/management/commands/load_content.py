from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from content_fixtures.loader import Loader
from content_fixtures.schema import FixtureError, read_bundle

DATA_DIR = Path(__file__).resolve().parents[2] / "data"


class Command(BaseCommand):
    help = (
        "Create or update agencies, resources, helplines, the home page and the toolkit "
        "chapters from content_fixtures/data. Safe to run again: unchanged files change nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", type=Path, default=DATA_DIR)

    def handle(self, *args, data_dir, **options):
        try:
            bundle = read_bundle(data_dir)
        except FixtureError as error:
            raise CommandError(f"Nothing was loaded. {error}") from None
        with transaction.atomic():
            counts = Loader(bundle).apply()
        held = sum(v for k, v in counts.items() if k.endswith(" held"))
        changed = {k: v for k, v in sorted(counts.items()) if not k.endswith(("unchanged", " held"))}
        if changed:
            summary = ", ".join(f"{v} {k}" for k, v in changed.items())
            self.stdout.write(self.style.SUCCESS(f"Content loaded: {summary}."))
        elif not held:
            self.stdout.write("Content is up to date: nothing changed.")
        if held:
            self.stdout.write(
                self.style.WARNING(
                    f"{held} update{'s' if held != 1 else ''} held for approval because an editor "
                    "had changed them."
                )
            )
