"""The site's built-in group of content editors, and what cms lets it do.

Content editors edit and publish pages and the toolkit's snippets, upload images and
documents, and keep the partnership's local contacts up to date (content points to them);
they get no user or group management and no other settings (that is for administrators).

cms creates the group in a data migration, so it exists after `migrate` on a fresh
database. Each app built on cms grants its own models' permissions to the group the same
way (courses: survey items; quizzes: every model it has): cms names none of their models.
The functions take the `apps` registry a data migration is given, or use the live one.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

CONTENT_EDITORS = "Content editors"

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
PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page"]
COLLECTION_PERMISSIONS = [
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
]


def make_permissions(apps, *app_labels):
    """Create the permissions of these apps' models now. Django makes them only after the
    last migration has run (post_migrate), too late for a data migration on a fresh
    database that grants them."""
    for label in app_labels:
        config = apps.get_app_config(label)
        # A migration's app configs have no models module, which create_permissions skips.
        models_module = getattr(config, "models_module", None)
        config.models_module = models_module or True
        try:
            create_permissions(config, verbosity=0, apps=apps)
        finally:
            config.models_module = models_module


def permissions(apps, pairs):
    """The Permission rows for (app label, codename) pairs; a missing one is an error, never a
    silently smaller grant."""
    Permission = apps.get_model("auth", "Permission")
    found = []
    for app_label, codename in pairs:
        try:
            found.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        except Permission.DoesNotExist as missing:
            raise LookupError(f"No permission {app_label}.{codename}") from missing
    return found


def grant(apps, pairs, group_name=CONTENT_EDITORS):
    """Give the group the model permissions (app label, codename) in `pairs`."""
    Group = apps.get_model("auth", "Group")
    Group.objects.get(name=group_name).permissions.add(*permissions(apps, pairs))


def ensure_content_editors(apps=global_apps, model_permissions=MODEL_PERMISSIONS):
    """Create or complete the content editors group with what cms gives it; safe to run
    again. The apps built on cms add theirs in their own migrations. (A migration passes the
    model permissions as they were then, so a later cms model cannot break it.)"""
    Group = apps.get_model("auth", "Group")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    group, _ = Group.objects.get_or_create(name=CONTENT_EDITORS)
    grant(apps, model_permissions)
    # The first root (depth 1) page and collection: all pages and all media.
    root = _first_root(apps, "Page")
    for permission in permissions(apps, [("wagtailcore", codename) for codename in PAGE_PERMISSIONS]):
        GroupPagePermission.objects.get_or_create(group=group, page=root, permission=permission)
    collection = _first_root(apps, "Collection")
    for permission in permissions(apps, COLLECTION_PERMISSIONS):
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=collection, permission=permission
        )
    return group


def _first_root(apps, model_name):
    """The root of Wagtail's page or collection tree (a migration's models have no treebeard
    methods, so it is found by depth)."""
    return apps.get_model("wagtailcore", model_name).objects.filter(depth=1).order_by("path").first()
