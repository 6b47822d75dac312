"""The site's two built-in content groups, what cms lets them do, and the approval workflow.

Content editors write pages and the toolkit's snippets, upload images and documents, and
keep the partnership's local contacts up to date (content points to them). Content
approvers do the same and approve other people's changes. Neither group may publish:
every change reaches staff through the two-person approval workflow (cms.models.workflows),
whose approver publishes it. Neither gets user or group management or other settings (that
is for administrators, who as superusers can publish directly and so should not write).

cms creates the group in a data migration, so it exists after `migrate` on a fresh
database. Each app built on cms grants its own models' permissions to the group the same
way (courses: survey items; quizzes: every model it has): cms names none of their models.
The functions take the `apps` registry a data migration is given, or use the live one.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

CONTENT_EDITORS = "Content editors"
CONTENT_APPROVERS = "Content approvers"
WORKFLOW_NAME = "Two-person approval"

MODEL_PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    ("cms", "add_resource"),
    ("cms", "change_resource"),
    ("cms", "delete_resource"),
    ("cms", "add_helpline"),
    ("cms", "change_helpline"),
    ("cms", "delete_helpline"),
]
PAGE_PERMISSIONS = ["add_page", "change_page"]
COLLECTION_PERMISSIONS = [
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
]


def is_content_staff(user):
    """Content editors, content approvers and administrators: the people who see the content
    reports ("Due for review", "Broken links") and their dashboard panels."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.groups.filter(name__in=[CONTENT_EDITORS, CONTENT_APPROVERS]).exists()


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


def ensure_content_editors(apps=global_apps, model_permissions=MODEL_PERMISSIONS, name=CONTENT_EDITORS):
    """Create or complete a content group (editors, or approvers) with what cms gives it;
    safe to run again. The apps built on cms add theirs in their own migrations. (A
    migration passes the model permissions as they were then, so a later cms model cannot
    break it.)"""
    Group = apps.get_model("auth", "Group")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    group, _ = Group.objects.get_or_create(name=name)
    grant(apps, model_permissions, name)
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


def ensure_content_approvers(apps=global_apps, model_permissions=MODEL_PERMISSIONS):
    return ensure_content_editors(apps, model_permissions, name=CONTENT_APPROVERS)


def workflow_models(apps=global_apps):
    """Every snippet staff read that goes through approval: the models with Wagtail's
    workflow mixin, in any app (a new one is covered the moment its migration has run)."""
    from wagtail.models import WorkflowMixin
    from wagtail.snippets.models import get_snippet_models

    return [model for model in get_snippet_models() if issubclass(model, WorkflowMixin)]


def put_content_under_approval(sender, apps=global_apps, **kwargs):
    """After every `migrate`: both content groups may add, change, delete, lock and unlock
    every workflow snippet (never publish), and each such snippet without a workflow gets the
    two-person one. Nothing happens where the groups or the workflow do not exist (a flushed
    test database); an administrator's choice of another workflow for a model is kept."""
    Group = apps.get_model("auth", "Group")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowContentType = apps.get_model("wagtailcore", "WorkflowContentType")
    ContentType = apps.get_model("contenttypes", "ContentType")
    workflow = Workflow.objects.filter(name=WORKFLOW_NAME).first()
    groups = Group.objects.filter(name__in=[CONTENT_EDITORS, CONTENT_APPROVERS])
    if workflow is None or groups.count() < 2:
        return
    from wagtail.snippets.models import create_extra_permissions

    models = workflow_models()
    make_permissions(apps, *{model._meta.app_label for model in models})
    # Wagtail makes the lock and unlock permissions in its own post_migrate, maybe after this.
    create_extra_permissions(sender, apps=apps, using=kwargs.get("using", "default"))
    pairs = [
        (model._meta.app_label, f"{action}_{model._meta.model_name}")
        for model in models
        for action in ("add", "change", "delete", "lock", "unlock")
    ]
    for group in groups:
        group.permissions.add(*permissions(apps, pairs))
    for model in models:
        content_type, _ = ContentType.objects.get_or_create(
            app_label=model._meta.app_label, model=model._meta.model_name
        )
        WorkflowContentType.objects.get_or_create(content_type=content_type, defaults={"workflow": workflow})
