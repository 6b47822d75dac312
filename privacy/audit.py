"""Who looked at or took away other people's personal data: every view of a staff record and
every export of personal data by a lead, the partnership manager or an administrator is an
entry in Wagtail's audit log, against the person it is about. Administrators read it in
Reports › Site history; each person's access export includes the entries about her.

Entries name the person by account number, not by name, so anonymising her leaves nothing
personal in the log."""

import json
import uuid

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone
from wagtail.log_actions import LogFormatter
from wagtail.models import ModelLogEntry

VIEWED = "privacy.view_record"
EXPORTED = "privacy.export"
ANONYMISED = "privacy.anonymise"
ACTIONS = {
    VIEWED: ("Viewed staff record", "Viewed the staff record of"),
    EXPORTED: ("Exported personal data", "Exported personal data of"),
    ANONYMISED: ("Anonymised account", "Anonymised the account of"),
}
LABEL = "Account "

# The people reach the database as one JSON array (of ids, or of emails), so that an export
# of 100,000 people is still one INSERT: SQLite allows 999 parameters in a statement.
_FROM_JSON = {
    "postgresql": "SELECT value FROM jsonb_array_elements_text(CAST(%s AS jsonb))",
    "sqlite": "SELECT value FROM json_each(%s)",
}


def label_for(user_id):
    return f"{LABEL}{user_id}"


class AuditFormatter(LogFormatter):
    """Site history's "Action" column says what was viewed or exported, not only that it was:
    "Exported personal data: Staff progress, CSV"."""

    def format_message(self, log_entry):
        what = (log_entry.data or {}).get("what")
        return f"{self.label}: {what}" if what else self.label


def formatter(action):
    """The formatter class for one of ACTIONS, for `register_log_actions`."""
    label, message = ACTIONS[action]
    return type("AuditFormatter", (AuditFormatter,), {"label": label, "message": message})


def log(actor, subject_ids, action, what):
    """One entry per person in `subject_ids` (ids or users; each person once), all sharing
    one uuid, saying `actor` did `action` (VIEWED, EXPORTED, ANONYMISED) with `what` (e.g.
    "Staff progress, CSV"). One query however many people."""
    ids = sorted({int(getattr(subject, "pk", subject)) for subject in subject_ids})
    subjects = f"SELECT value AS id FROM ({_FROM_JSON[connection.vendor]}) AS ids"
    return _insert(actor, subjects, ids, action, what)


def log_by_email(actor, emails, action, what):
    """As `log`, for the accounts with these emails (ignoring case, as staff lists are matched
    to accounts): for lists that name people by email, some of whom have no account."""
    users = connection.ops.quote_name(get_user_model()._meta.db_table)
    subjects = (
        f"SELECT DISTINCT id FROM {users} WHERE LOWER(email) IN "
        f"(SELECT LOWER(value) FROM ({_FROM_JSON[connection.vendor]}) AS emails)"
    )
    return _insert(actor, subjects, sorted({email for email in emails if email}), action, what)


def _insert(actor, subjects, listed, action, what):
    """INSERT ... SELECT an entry for each `id` of the `subjects` query (which reads `listed`
    as its one parameter, a JSON array)."""
    if action not in ACTIONS:
        raise ValueError(f"Unknown audit action {action}")
    if not listed:
        return 0
    field = ModelLogEntry._meta.get_field
    values = {
        "content_type": ContentType.objects.get_for_model(get_user_model()).pk,
        "action": action,
        "data": {"what": what},
        "timestamp": timezone.now(),
        "uuid": uuid.uuid4(),
        "user": actor.pk if getattr(actor, "pk", None) else None,
        "content_changed": False,
        "deleted": False,
    }
    quote = connection.ops.quote_name
    columns, placeholders, params = [], [], []
    for name, value in values.items():
        columns.append(quote(field(name).column))
        params.append(field(name).get_db_prep_save(value, connection))
        # PostgreSQL does not guess a parameter's type in a SELECT list; SQLite has no such types.
        placeholders.append(
            f"CAST(%s AS {field(name).db_type(connection)})" if connection.vendor == "postgresql" else "%s"
        )
    columns += [quote("object_id"), quote("label")]
    sql = (
        f"INSERT INTO {quote(ModelLogEntry._meta.db_table)} ({', '.join(columns)}) "
        f"SELECT {', '.join(placeholders)}, CAST(id AS text), %s || CAST(id AS text) "
        f"FROM ({subjects}) AS subjects"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, LABEL, json.dumps(listed)])
        return cursor.rowcount


def entries_about(user):
    """The audit entries about `user`, newest first, with who made them."""
    content_type = ContentType.objects.get_for_model(get_user_model())
    return (
        ModelLogEntry.objects.filter(content_type=content_type, object_id=str(user.pk), action__in=ACTIONS)
        .select_related("user")
        .order_by("-timestamp", "-pk")
    )
