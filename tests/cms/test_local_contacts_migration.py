"""Migrating a database that has local contacts in the old site setting: every contact
becomes a live snippet of its site, reviewed on the day of the migration with no owner yet,
and both content groups may work on it through the approval workflow (nothing more).

Each step runs in a fresh process on an empty SQLite database with the production settings,
as on a real upgrade: migrate to cms 0009, write contacts as the 0009 models had them,
migrate the rest, read the result."""

import json

import pytest
from django.utils import timezone

from tests.cms.test_settings import PRODUCTION_ENV, run_manage

pytestmark = pytest.mark.own_sqlite

# Up to cms 0009 (and what it depends on) only, then contacts as the 0009 models had them.
WRITE_OLD_CONTACTS = """
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
before = ("cms", "0009_content_approvers_and_workflow")
executor = MigrationExecutor(connection)
executor.migrate([before])
apps = MigrationExecutor(connection).loader.project_state(before).apps
Site = apps.get_model("wagtailcore", "Site")
LocalContacts = apps.get_model("cms", "LocalContacts")
LocalContact = apps.get_model("cms", "LocalContact")
site = Site.objects.get(is_default_site=True)
setting = LocalContacts.objects.create(site=site)
LocalContact.objects.create(setting=setting, sort_order=0, kind="lado", name="Old LADO", phone="01632 960 333")
LocalContact.objects.create(
    setting=setting, sort_order=1, kind="sarc", name="Old SARC", url="https://example.org/sarc/"
)
print(site.pk)
"""

READ = """
import json
from django.contrib.auth.models import Group, Permission
from wagtail.models import WorkflowContentType
from cms.models import LocalContact
print(json.dumps({
    "contacts": sorted(
        [c.site_id, c.kind, c.name, c.phone, c.url, c.live, str(c.last_reviewed), c.owner_person_id,
         c.owner_team_id, c.review_interval_months]
        for c in LocalContact.objects.all()
    ),
    "groups": {
        group.name: sorted(
            p.codename for p in group.permissions.filter(content_type__app_label="cms")
            if "localcontact" in p.codename
        )
        for group in Group.objects.filter(name__startswith="Content")
    },
    "setting_permissions": Permission.objects.filter(content_type__model="localcontacts").count(),
    "workflow": list(
        WorkflowContentType.objects.filter(content_type__app_label="cms", content_type__model="localcontact")
        .values_list("workflow__name", flat=True)
    ),
}))
"""




@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    database = tmp_path_factory.mktemp("upgrade") / "db.sqlite3"
    env = {**PRODUCTION_ENV, "DATABASE_URL": f"sqlite:///{database}"}
    result = run_manage("shell", "-c", WRITE_OLD_CONTACTS, env=env, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    site_pk = int(result.stdout.strip().splitlines()[-1])
    result = run_manage("migrate", "--no-input", env=env, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    read = run_manage("shell", "-c", READ, env=env, timeout=900)
    assert read.returncode == 0, read.stderr
    return site_pk, json.loads(read.stdout.strip().splitlines()[-1])


def test_every_old_contact_is_a_live_snippet_of_its_site_reviewed_today(migrated):
    site_pk, state = migrated
    today = str(timezone.localdate())
    assert state["contacts"] == [
        [site_pk, "lado", "Old LADO", "01632 960 333", "", True, today, None, None, 6],
        [site_pk, "sarc", "Old SARC", "", "https://example.org/sarc/", True, today, None, None, 6],
    ]


def test_both_content_groups_work_on_local_contacts_through_the_workflow(migrated):
    _, state = migrated
    expected = sorted(f"{action}_localcontact" for action in ("add", "change", "delete", "lock", "unlock"))
    assert state["groups"] == {"Content editors": expected, "Content approvers": expected}
    assert state["setting_permissions"] == 0  # the old settings screen's permission is gone
    assert state["workflow"] == ["Two-person approval"]
