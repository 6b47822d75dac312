"""Checking a resource's link as soon as it is saved, in the background (the "links" task
backend: the database queue in production, a dummy one in tests so no request leaves the
machine unless a test runs the task itself)."""

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django_tasks import task

from .checker import check_url_now
from .models import Link, LinkUse

RECENT = timedelta(minutes=1)


@task(backend="links")
def check_resource_link(url, resource_id):
    """Check `url` (what the editor has just saved, draft or published) unless it was
    checked a moment ago (creating a resource saves it twice); when it is the resource's
    published link, record the use so the "Broken links" report shows it before the
    nightly run."""
    from cms.models import Resource

    if Link.objects.filter(url=url, last_checked__gte=timezone.now() - RECENT).exists():
        link = Link.objects.get(url=url)
    else:
        link = check_url_now(url)
    if Resource.objects.filter(pk=resource_id, live=True, url=url).exists():
        LinkUse.objects.get_or_create(
            link=link,
            content_type=ContentType.objects.get_for_model(Resource),
            object_id=str(resource_id),
            field=str(Resource._meta.get_field("url").verbose_name),
        )
    return link.status
