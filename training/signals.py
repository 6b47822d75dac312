"""What publishing a session tells the people booked on it.

A session's row holds its published version, so the row just before a publish is what people
were last told. `remember_published` reads it when Wagtail saves the new version (a full save:
the other saves of a session name their fields), and `announce_publish`, on Wagtail's
`published` signal, compares: a change of time, length, mode or place bumps `sequence` and
sends everyone with a place (or offered one) the new details; a cancellation tells everyone
booked, offered or waiting. Publishing the same version again finds nothing changed and sends
nothing. More places offer the new ones to the people waiting.

A revision carries the values of the fields editors cannot edit as they were when it was
drafted, so a publish would rewind them; the row's values are put back (`KEPT`)."""

from django.db import transaction
from django.db.models.signals import pre_save
from django.dispatch import receiver
from wagtail.signals import published

from training import notices
from training.booking import offer_freed_places
from training.models import Booking, TrainingSession

# What the people booked must be told about (and their calendars updated with).
NOTIFIED = ("starts_at", "duration_minutes", "mode", "venue", "address", "joining_link")
# Set by the site, not by editors: the row's value outlives any revision.
KEPT = ("sequence", "register_closed_at")


@receiver(pre_save, sender=TrainingSession)
def remember_published(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or update_fields is not None or instance.pk is None:
        return
    instance._before_publish = (
        TrainingSession.objects.filter(pk=instance.pk, live=True)
        .values("capacity", "cancelled", *NOTIFIED, *KEPT)
        .first()
    )


@receiver(published, sender=TrainingSession)
def announce_publish(sender, instance, **kwargs):
    before = getattr(instance, "_before_publish", None)
    instance._before_publish = None
    if before is None or not instance.live:  # first publish (nobody booked yet) or scheduled
        return
    changed = any(getattr(instance, field) != before[field] for field in NOTIFIED)
    newly_cancelled = instance.cancelled and not before["cancelled"]
    kept = {field: before[field] for field in KEPT}
    if (changed and not instance.cancelled) or newly_cancelled:
        kept["sequence"] += 1  # calendars apply an update or a cancel only with a higher one
    if any(getattr(instance, field) != value for field, value in kept.items()):
        TrainingSession.objects.filter(pk=instance.pk).update(**kept)
        for field, value in kept.items():
            setattr(instance, field, value)
    if newly_cancelled:
        transaction.on_commit(lambda: notices.session_cancelled(instance))
        return
    if changed and not instance.cancelled:
        if instance.starts_at != before["starts_at"]:  # a reminder two days before the new date
            Booking.objects.filter(session=instance).update(reminder_sent_at=None)
        transaction.on_commit(lambda: notices.session_changed(instance))
    if instance.capacity > before["capacity"]:
        with transaction.atomic():
            offer_freed_places(TrainingSession.objects.select_for_update().get(pk=instance.pk))
