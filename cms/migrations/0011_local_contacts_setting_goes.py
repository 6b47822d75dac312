"""The local contacts setting goes: each contact now names its site (see 0010) and a site
has at most one contact of each kind. No group keeps a right to the old settings screen."""

import django.db.models.deletion
from django.db import migrations, models


def the_setting_permissions_go(apps, schema_editor):
    """No group keeps a right to a screen that no longer exists."""
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(content_type__app_label="cms", content_type__model="localcontacts").delete()


class Migration(migrations.Migration):
    """Apart from 0010 so that, on PostgreSQL, the rows 0010 wrote are committed before
    their table is altered again (a table with pending trigger events cannot be)."""

    dependencies = [
        ('cms', '0010_local_contacts_snippets'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='localcontact',
            name='setting',
        ),
        migrations.RemoveField(
            model_name='localcontact',
            name='sort_order',
        ),
        migrations.AlterField(
            model_name='localcontact',
            name='site',
            field=models.ForeignKey(help_text='The site whose pages show this contact.', on_delete=django.db.models.deletion.CASCADE, related_name='local_contacts', to='wagtailcore.site'),
        ),
        migrations.AlterModelOptions(
            name='localcontact',
            options={'ordering': ['site', 'kind']},
        ),
        migrations.AddConstraint(
            model_name='localcontact',
            constraint=models.UniqueConstraint(fields=('site', 'kind'), name='cms_localcontact_one_per_site_and_kind'),
        ),
        migrations.RunPython(the_setting_permissions_go, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='localcontacts',
            name='site',
        ),
        migrations.DeleteModel(
            name='LocalContacts',
        ),
    ]
