"""The search index is brought up to date when a page or snippet is published, by the
request that publishes it.

Wagtail's search (modelsearch) updates an object's entry from a task it enqueues on every
save, on the "default" task backend. In production that is the database queue, so a newly
published page stayed out of site search until the worker came round to it (once 19 minutes).
Publishing writes the entry at once, in the publishing transaction (the index is a table of
the same database), whether or not a worker runs; the queued task later writes the same entry
again, which costs little and keeps Wagtail's own behaviour for drafts and other saves.
"""

from modelsearch import index
from wagtail.signals import published


def _index_now(sender, instance, **kwargs):
    if isinstance(instance, index.Indexed):
        index.insert_or_update_object(instance)


def connect():
    published.connect(_index_now, dispatch_uid="search_index_on_publish")
