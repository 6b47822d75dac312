"""The approval step every change to staff-facing content goes through."""

from django.db import models
from wagtail.models import (
    AbstractGroupApprovalTask,
    DraftStateMixin,
    LockableMixin,
    Revision,
    RevisionMixin,
    WorkflowMixin,
)


class PublishedContent(WorkflowMixin, DraftStateMixin, LockableMixin, RevisionMixin, models.Model):
    """Wagtail's drafts, revisions, locking and workflow for a snippet staff read: an edit is
    saved as a draft and reaches staff only when the workflow's approver publishes it (the
    row always holds the published version; drafts live in revisions). New rows that were
    never approved have `live` False, and staff-facing code shows only live ones."""

    class Meta:
        abstract = True


class TwoPersonApprovalTask(AbstractGroupApprovalTask):
    """Wagtail's group approval, with the second person made a rule: a member of the chosen
    groups may approve or reject only a change they did not write or submit.

    Wagtail's own task lets an approver approve her own submission, and lets her edit a
    page under review and approve it in one step ("approve with changes"). Here nobody but
    an administrator edits while a change is under review (an approver asks for changes
    instead), and the author of any draft since the last published version, or the person
    who submitted it, gets no approve or reject action, in the editor, on the dashboard or
    by posting to the action URL (Wagtail checks `get_actions` on every one)."""

    def user_can_access_editor(self, obj, user):
        return user.is_superuser

    def locked_for_user(self, obj, user):
        return not user.is_superuser

    def get_actions(self, obj, user):
        if user.pk in self.authors(obj):
            return []
        return super().get_actions(obj, user)

    @staticmethod
    def authors(obj):
        """Everyone who wrote or submitted the change under review: the requester and the
        authors of every revision saved since the version staff see now."""
        state = obj.current_workflow_state
        if state is None:
            return set()
        revisions = Revision.objects.for_instance(obj)
        live = getattr(obj, "live_revision", None)
        if live is not None:
            revisions = revisions.filter(created_at__gt=live.created_at)
        return {state.requested_by_id, *revisions.values_list("user_id", flat=True)} - {None}

    @classmethod
    def get_description(cls):
        return "Members of the chosen groups approve changes that someone else wrote"

    class Meta:
        verbose_name = "Two-person approval task"
        verbose_name_plural = "Two-person approval tasks"
