"""Builders shared by the broken-links tests."""

import itertools
from datetime import UTC, datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType

from links.models import Link, LinkUse, Status

SINCE = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
_serial = itertools.count(1)


def content_user(group_name, **fields):
    """A staff user in one of the content groups the migrations make."""
    email = f"links-user{next(_serial)}@example.org"
    user = get_user_model().objects.create_user(username=email, email=email, password="x", **fields)
    user.groups.add(Group.objects.get(name=group_name))
    return user


def use(link, obj, field="link"):
    """Record that `obj` publishes `link`, as collect() would."""
    return LinkUse.objects.create(
        link=link,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk),
        field=field,
    )


def failing(url, status=Status.BROKEN, code=404, since=SINCE):
    return Link.objects.create(
        url=url, status=status, http_code=code, failing_since=since, last_checked=since
    )
