"""The two-person approval workflow as tests use it: people in the migration's groups, and
approving through the task Wagtail runs (the same call its admin action makes)."""

from itertools import count

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from wagtail.models import WorkflowState

from cms.roles import CONTENT_APPROVERS, CONTENT_EDITORS

_serial = count(1)


def make_staff(group_name, email=None, **fields):
    """A member of a content group, who can sign in to the admin with `password`."""
    email = email or f"{group_name.split()[-1].lower()}{next(_serial)}@example.org"
    user = get_user_model().objects.create_user(
        username=email, email=email, password="correct-horse-battery", **fields
    )
    user.groups.add(Group.objects.get(name=group_name))
    return user


def make_editor(email=None, **fields):
    return make_staff(CONTENT_EDITORS, email, **fields)


def make_approver(email=None, **fields):
    return make_staff(CONTENT_APPROVERS, email, **fields)


def in_review(obj):
    """The object's workflow in progress, or None."""
    return WorkflowState.objects.for_instance(obj).filter(status=WorkflowState.STATUS_IN_PROGRESS).first()


def approve(obj, user):
    task_state = in_review(obj).current_task_state
    task_state.task.specific.on_action(task_state, user, "approve")


def approve_all(objects, user=None):
    user = user or make_approver()
    for obj in objects:
        approve(obj, user)


def workflow_action_url(obj, action="approve"):
    """The admin URL an approver posts to for `action` on the change under review, page or
    snippet."""
    from django.urls import reverse
    from wagtail.models import Page

    task_state = obj.current_workflow_task_state
    if isinstance(obj, Page):
        return reverse("wagtailadmin_pages:workflow_action", args=[obj.pk, action, task_state.pk])
    name = obj.snippet_viewset.get_url_name("workflow_action")
    return reverse(name, args=[obj.pk, action, task_state.pk])


def approve_change(obj):
    """Approve the change under review on `obj` as a new member of Content approvers, through
    the admin's workflow action URL (its own client: the caller's login is untouched)."""
    from django.test import Client

    client = Client()
    client.force_login(make_approver())
    response = client.post(workflow_action_url(obj), {"comment": ""})
    assert response.status_code == 302, response.content[:300]
    return response
