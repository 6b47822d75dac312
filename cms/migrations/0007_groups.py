"""The content editors group and what cms lets it do, so a production install has it after
`migrate` (before, only the demo command made it)."""

from django.db import migrations

from cms import roles


MODEL_PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    ("cms", "add_resource"),
    ("cms", "change_resource"),
    ("cms", "delete_resource"),
    ("cms", "add_helpline"),
    ("cms", "change_helpline"),
    ("cms", "delete_helpline"),
    ("cms", "change_localcontacts"),
]


def create_content_editors(apps, schema_editor):
    roles.make_permissions(apps, "wagtailadmin", "wagtailcore", "wagtailimages", "wagtaildocs", "cms")
    roles.ensure_content_editors(apps, MODEL_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailimages", "0027_image_description"),
        ("cms", "0006_adult_safeguarding_contact"),
    ]

    operations = [migrations.RunPython(create_content_editors, migrations.RunPython.noop)]
