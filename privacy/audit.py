"""Who looked at or took away other people's personal data: every view of a staff record and
every export of personal data by a lead, the partnership manager or an administrator is an
entry in Wagtail's audit log, against the person it is about. Administrators read it in
Reports › Site history; each person's access export includes the entries about her.

Entries name the person by account number, not by name, so anonymising her leaves nothing
personal in the log."""

import uuid

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from wagtail.models import ModelLogEntry

VIEWED = "privacy.view_record"
EXPORTED = "privacy.export"
ANONYMISED = "privacy.anonymise"
ACTIONS = {
    VIEWED: ("Viewed staff record", "Viewed the staff record of"),
    EXPORTED: ("Exported personal data", "Exported personal data of"),
    ANONYMISED: ("Anonymised account", "Anonymised the account of"),
}
BATCH = 1000


def label_for(user_id):
    return f"Account {user_id}"


def log(actor, subject_ids, action, what):
    """One entry per person in `subject_ids` (ids or users), all sharing one uuid, saying
    `actor` did `action` (VIEWED, EXPORTED, ANONYMISED) with `what` (e.g. "Staff progress, CSV")."""
    if action not in ACTIONS:
        raise ValueError(f"Unknown audit action {action}")
    content_type = ContentType.objects.get_for_model(get_user_model())
    shared, now = uuid.uuid4(), timezone.now()
    entries = [
        ModelLogEntry(
            content_type=content_type,
            object_id=str(getattr(subject, "pk", subject)),
            label=label_for(getattr(subject, "pk", subject)),
            action=action,
            data={"what": what},
            timestamp=now,
            uuid=shared,
            user=actor if getattr(actor, "pk", None) else None,
        )
        for subject in subject_ids
    ]
    ModelLogEntry.objects.bulk_create(entries, batch_size=BATCH)
    return len(entries)


def entries_about(user):
    """The audit entries about `user`, newest first, with who made them."""
    content_type = ContentType.objects.get_for_model(get_user_model())
    return (
        ModelLogEntry.objects.filter(content_type=content_type, object_id=str(user.pk), action__in=ACTIONS)
        .select_related("user")
        .order_by("-timestamp", "-pk")
    )
