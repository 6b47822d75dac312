"""Certificates: one per completion, a record of what was printed, and its history."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from certificates.codes import display


class Certificate(models.Model):
    """What a certificate says, copied when it was issued, and whether it still stands.

    The database allows one per completion and each code once. The printed fields are a
    snapshot, so a later change to a course or an account does not change a certificate;
    a name correction is an explicit re-issue with a note."""

    completion = models.OneToOneField(
        "courses.Completion", on_delete=models.PROTECT, related_name="certificate"
    )
    code = models.CharField(max_length=12, unique=True, editable=False)
    holder_name = models.CharField(max_length=200)
    course_title = models.CharField(max_length=255)
    agency_name = models.CharField(max_length=100)
    completed_on = models.DateField()
    expires_on = models.DateField()
    quiz_score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    issued_at = models.DateTimeField(default=timezone.now)
    pdf = models.FileField(upload_to="certificates/", blank=True)
    # The site address printed in the PDF (its link and QR code): when the partnership's
    # address changes in Settings › Sites, a PDF printed under the old one is made again.
    pdf_address = models.CharField(max_length=255, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=500, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(revoked_at__isnull=True) | ~models.Q(revoked_reason=""),
                name="revocation_has_a_reason",
            ),
        ]

    def __str__(self):
        return f"{self.display_code}: {self.holder_name}, {self.course_title}"

    @property
    def display_code(self):
        return display(self.code)

    def status(self, today=None):
        today = today or timezone.localdate()
        if self.revoked_at:
            return "revoked"
        return "expired" if self.expires_on < today else "valid"


class CertificateNote(models.Model):
    """A change to a certificate after issue (a name correction, a revocation), kept."""

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="notes")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.CharField(max_length=500)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return self.text
