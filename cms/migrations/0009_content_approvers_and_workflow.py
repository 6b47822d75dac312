"""Two-person approval on a fresh production database: the content approvers group, the
workflow whose only task they perform, that workflow on every page, and no publishing
rights for either content group (cms.roles says why). Snippets get the workflow after
every `migrate` (cms.roles.put_content_under_approval), so later models are covered too.

Wagtail's own starter groups ("Editors" and "Moderators", who may publish every page) and
its "Moderators approval" workflow would be a way round approval: they are removed when
no one is in them, and the workflow is switched off."""

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


def two_person_approval(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    ContentType = apps.get_model("contenttypes", "ContentType")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    TwoPersonApprovalTask = apps.get_model("cms", "TwoPersonApprovalTask")

    roles.make_permissions(apps, "wagtailadmin", "wagtailcore", "wagtailimages", "wagtaildocs", "cms")
    editors = roles.ensure_content_editors(apps, MODEL_PERMISSIONS)
    approvers = roles.ensure_content_editors(apps, MODEL_PERMISSIONS, name=roles.CONTENT_APPROVERS)
    GroupPagePermission.objects.filter(
        group__in=[editors, approvers], permission__codename="publish_page"
    ).delete()

    for starter in Group.objects.filter(name__in=["Editors", "Moderators"], user__isnull=True):
        starter.delete()
    Workflow.objects.filter(name="Moderators approval").update(active=False)

    task_type, _ = ContentType.objects.get_or_create(app_label="cms", model="twopersonapprovaltask")
    task, _ = TwoPersonApprovalTask.objects.get_or_create(
        name="Approval by a second person", defaults={"content_type": task_type, "active": True}
    )
    task.groups.add(approvers)
    workflow, _ = Workflow.objects.get_or_create(name=roles.WORKFLOW_NAME, defaults={"active": True})
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    root = roles._first_root(apps, "Page")
    WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0008_drafts_workflow_and_reviews"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(two_person_approval, migrations.RunPython.noop)]
