from django.conf import settings
from django.db import models
from django.utils import timezone


class Download(models.Model):
    """A download too large to make while the browser waits (a list of every member of staff,
    a ZIP of certificates), made by a background task and kept for its maker only until
    `remove_expired_downloads` removes it.

    `kind` names the registered export (`courses.downloads`) and `params` keeps the filters
    asked for, exactly as the page sent them: the task builds the file through the same
    code, with the same scope checks, as a download sent at once."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Being made"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="downloads")
    kind = models.CharField(max_length=60)
    params = models.TextField(blank=True)
    title = models.CharField(max_length=200)
    filename = models.CharField(max_length=200)
    rows = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    file = models.FileField(upload_to="downloads/", max_length=300, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.title} for {self.user}"
