import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cms.roles import ensure_content_editors

DEVELOPMENT_PASSWORD = "safeguarding-demo"  # noqa: S105 (documented, development only)

ACCOUNTS = [
    {"email": "admin@example.org", "first_name": "Ada", "last_name": "Admin", "role": "admin"},
    {"email": "editor@example.org", "first_name": "Eddie", "last_name": "Editor",
     "role": "editor"},
]


class Command(BaseCommand):
    help = (
        "Create the demo accounts (an administrator and a content editor). Passwords come "
        f"from DEMO_PASSWORD; in development the default is '{DEVELOPMENT_PASSWORD}'. "
        "Existing accounts are left as they are."
    )

    def handle(self, *args, **options):
        password = os.environ.get("DEMO_PASSWORD")
        if not password:
            if not settings.DEBUG:
                raise CommandError("Set DEMO_PASSWORD: there is no default outside development.")
            password = DEVELOPMENT_PASSWORD
        User = get_user_model()
        with transaction.atomic():
            editors = ensure_content_editors()
            for account in ACCOUNTS:
                user, created = User.objects.get_or_create(
                    username=account["email"],
                    defaults={
                        "email": account["email"],
                        "first_name": account["first_name"],
                        "last_name": account["last_name"],
                        "is_staff": account["role"] == "admin",
                        "is_superuser": account["role"] == "admin",
                    },
                )
                if created:
                    user.set_password(password)
                    user.save()
                    self.stdout.write(f"Created {account['role']} account {user.username}.")
                if account["role"] == "editor":
                    user.groups.add(editors)
