import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.hashers import make_password
from django.db import models
from django.utils import timezone

from .profiles import JobRole, JobRoleLabel, LearnerProfile


def _lifetime() -> timedelta:
    """As long as a password reset link: a day."""
    return timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)


class PendingRegistrationQuerySet(models.QuerySet):
    def live(self) -> "PendingRegistrationQuerySet":
        return self.filter(created_at__gt=timezone.now() - _lifetime())

    def stale(self) -> "PendingRegistrationQuerySet":
        return self.filter(created_at__lte=timezone.now() - _lifetime())

    def for_token(self, token: str) -> "PendingRegistrationQuerySet":
        return self.filter(token_hash=PendingRegistration.hash_token(token))


class PendingRegistration(JobRoleLabel, models.Model):
    """A registration waiting for its address's owner to open the link we emailed.

    Nothing is usable until then, so no one can hold an address they cannot read, and the
    page after "Create account" is the same whether or not the address has an account.
    The link carries only a random token, never the registration itself: a link lands in
    mail archives, proxy and server logs and browser history, where a password hash in it
    could be attacked offline. Only a SHA-256 of the token is stored (it is random and long,
    so a plain hash is enough), so these rows cannot be turned back into working links.
    Confirming deletes the row in the transaction that makes the account, so a link works
    once; rows older than a day are refused and removed at the next registration. The row
    holds what the registration form asks for, the password only as Django's hash.
    """

    token_hash = models.CharField(max_length=64, unique=True)
    email = models.EmailField(max_length=200)
    password = models.CharField(max_length=128)
    first_name = models.CharField(max_length=60)
    last_name = models.CharField(max_length=60)
    agency = models.ForeignKey("cms.Agency", on_delete=models.CASCADE, related_name="+")
    job_role = models.CharField(max_length=30, choices=JobRole.choices)
    job_role_other = models.CharField("job role (if other)", max_length=80, blank=True)
    team = models.CharField("team or organisation", max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = PendingRegistrationQuerySet.as_manager()

    def __str__(self):
        return f"{self.email} (waiting since {self.created_at:%d %B %Y %H:%M})"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def start(cls, *, password: str, **details) -> str:
        """Store a registration and return the token for its link, which only the email holds."""
        cls.objects.stale().delete()
        token = secrets.token_urlsafe(32)
        cls.objects.create(token_hash=cls.hash_token(token), password=make_password(password), **details)
        return token

    def create_account(self) -> AbstractBaseUser:
        """The user and learner profile this registration asks for; the privacy notice was
        accepted when the form was sent."""
        user = get_user_model().objects.create(
            username=self.email,
            email=self.email,
            password=self.password,
            first_name=self.first_name,
            last_name=self.last_name,
        )
        LearnerProfile.objects.create(
            user=user,
            agency=self.agency,
            job_role=self.job_role,
            job_role_other=self.job_role_other,
            team=self.team,
            privacy_accepted_at=self.created_at,
        )
        return user
