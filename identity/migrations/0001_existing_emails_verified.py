"""Accounts made before emails were checked by allauth: each was made by confirming a link
sent to its address (courses' registration) or by an administrator, so its address counts as
confirmed. Accounts made from now on record it as they are made."""

from django.db import migrations


def mark_verified(apps, schema_editor):
    User = apps.get_model("auth", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    have = set(EmailAddress.objects.values_list("user_id", flat=True))
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user_id=pk, email=email.lower(), verified=True, primary=True)
            for pk, email in User.objects.exclude(email="").values_list("pk", "email").iterator()
            if pk not in have
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("account", "0009_emailaddress_unique_primary_email"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(mark_verified, migrations.RunPython.noop)]
