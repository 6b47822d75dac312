"""Local contacts become snippets that go through approval, one per kind per site.

They were inline rows of a site setting, which can have no drafts, revisions or workflow.
The rows stay in their table: each takes its setting's site, is live (it was what staff
saw) and counts as reviewed today, with no owner yet. The setting and its permission go.
The next migration drops the setting; there is no way back (the reverse does nothing)."""

import zoneinfo

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def contacts_keep_their_site_and_are_live(apps, schema_editor):
    LocalContact = apps.get_model("cms", "LocalContact")
    now = timezone.now()
    today = now.astimezone(zoneinfo.ZoneInfo("Europe/London")).date()
    for contact in LocalContact.objects.select_related("setting"):
        contact.site_id = contact.setting.site_id
        contact.live = True
        contact.has_unpublished_changes = False
        contact.first_published_at = contact.last_published_at = now
        contact.last_reviewed = today
        contact.save()


class Migration(migrations.Migration):

    dependencies = [
        ('auth', '0012_alter_user_first_name_max_length'),
        ('cms', '0009_content_approvers_and_workflow'),
        ('wagtailcore', '0098_apitoken'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='localcontact',
            name='cms_localcontact_one_per_kind',
        ),
        migrations.AddField(
            model_name='localcontact',
            name='expire_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='expiry date/time'),
        ),
        migrations.AddField(
            model_name='localcontact',
            name='expired',
            field=models.BooleanField(default=False, editable=False, verbose_name='expired'),
        ),
        migrations.AddField(
            model_name='localcontact',
            name='first_published_at',
            field=models.DateTimeField(blank=True, db_index=True, null=True, verbose_name='first published at'),
        ),
        migrations.AddField(
            model_name='localcontact',
            name='go_live_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='go live date/time'),
        ),
        migrations.AddField(
            model_name='localcontact',
            name='has_unpublished_changes',
            field=models.BooleanField(default=False, editable=False, verbose_name='has unpublished changes'),
        ),
        migrations.AddField(
            model_name='localcontact',
            name='last_published_at',
            field=models.DateTimeField(editable=False, null=True, verbose_name='last published at'),
        ),
        migrations.AddField(
            model_name='localcontact',
            name='last_reviewed',
            field=models.DateField(blank=True, editable=False, help_text='Set when an approved change is published, or when someone confirms it needs no change.', null=True),
        ),
        migrations.AddField(
            model_name='localcontact',
            name='last_reviewed_by',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='localcontact',
            name='latest_revision',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='wagtailcore.revision', verbose_name='latest revision'),
        ),
        migrations.AddField(
            model_name='localcontact',
            name='live',
            field=models.BooleanField(default=True, editable=False, verbose_name='live'),
        ),
        migrations.AddField(
            model_name='localcontact',
            name='live_revision',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='wagtailcore.revision', verbose_name='live revision'),
        ),
        migrations.AddField(
            model_name='localcontact',
            name='locked',
            field=models.BooleanField(default=False, editable=False, verbose_name='locked'),
        ),
        migrations.AddField(
            model_name='localcontact',
            name='locked_at',
            field=models.DateTimeField(editable=False, null=True, verbose_name='locked at'),
        ),
        migrations.AddField(
            model_name='localcontact',
            name='locked_by',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='locked_%(class)ss', to=settings.AUTH_USER_MODEL, verbose_name='locked by'),
        ),
        migrations.AddField(
            model_name='localcontact',
            name='owner_person',
            field=models.ForeignKey(blank=True, help_text='The person who keeps this right. Leave empty if a team owns it.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='owner (person)'),
        ),
        migrations.AddField(
            model_name='localcontact',
            name='owner_team',
            field=models.ForeignKey(blank=True, help_text='The team that keeps this right, when no one person does.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='auth.group', verbose_name='owner (team)'),
        ),
        migrations.AddField(
            model_name='localcontact',
            name='review_interval_months',
            field=models.PositiveSmallIntegerField(default=6, help_text='How often someone must check this is still right, in months (1 to 36).', validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(36)], verbose_name='review every (months)'),
        ),
        migrations.AddField(
            model_name='localcontact',
            name='site',
            field=models.ForeignKey(help_text='The site whose pages show this contact.', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='local_contacts', to='wagtailcore.site'),
        ),
        migrations.RunPython(contacts_keep_their_site_and_are_live, migrations.RunPython.noop),
    ]
