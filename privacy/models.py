from django.conf import settings
from django.db import models


class Anonymisation(models.Model):
    """That an account was anonymised (its name, email and free text removed), when, by whom
    and why. Its existence is what makes anonymising the account again do nothing."""

    class Reason(models.TextChoices):
        REQUEST = "request", "At the person's request"
        ADMINISTRATOR = "administrator", "By an administrator"
        RETENTION = "retention", "Retention period ended"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="anonymisation"
    )
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=20, choices=Reason.choices)

    def __str__(self):
        return f"Account {self.user_id} anonymised ({self.get_reason_display()})"
