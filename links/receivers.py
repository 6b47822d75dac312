"""What the link checker does when content is saved."""

from django.db import transaction

from .collect import is_external
from .tasks import check_resource_link


def resource_saved(sender, instance, **kwargs):
    """post_save of a resource: check its link once the save is committed."""
    if kwargs.get("raw") or not is_external(instance.url):
        return
    url, pk = instance.url.strip(), instance.pk
    transaction.on_commit(lambda: check_resource_link.enqueue(url, pk))
