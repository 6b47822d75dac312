"""Erasure by anonymisation (UK GDPR right to erasure): the person's name, email and the free
text she typed are replaced and every way to sign in is closed, while her agency, job role
and dates stay, so each report, coverage figure and API result counts her exactly as before.
Deleting the account instead would take the partnership's training records with it.

The account is also made inactive: nobody can sign in to it again, and no report filters
on `is_active` (courses.reports, workforce.coverage and the API count records, not live
accounts), so the figures keep her. Her sessions end because the password hash changes
and the account is inactive (Django checks both on every request).

Certificates keep their code, course and dates and still verify; the holder's name is
emptied (the verify page then says the name is withheld) and any stored PDF, which prints
the name, is deleted once the change is committed."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from wagtail.models import APIToken
from wagtail.users.models import UserProfile

from certificates.models import Certificate, CertificateNote
from courses.models import LearnerProfile, PendingRegistration
from privacy import audit
from privacy.models import Anonymisation
from training.models import FollowUp, ReturnAttendee
from workforce import tallies
from workforce.models import Reminder, ReminderWindow, StaffListEntry

FIRST_NAME = "Anonymised"
LAST_NAME = "person"
WITHHELD_NOTE = "Withheld: the holder's account was anonymised."


def anonymous_email(user_id) -> str:
    """Unique per account and never deliverable (.invalid is reserved, RFC 2606)."""
    return f"anonymised-{user_id}@anonymised.invalid"


def is_anonymised(user) -> bool:
    return Anonymisation.objects.filter(user_id=user.pk).exists()


def anonymise(user, by, reason) -> bool:
    """Anonymise `user` for `reason` (an `Anonymisation.Reason`), done by `by` (None for the
    retention run). False, changing nothing, when the account was anonymised already: the
    row lock on the user makes two at once (an administrator and the nightly run) do it once."""
    User = get_user_model()
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if is_anonymised(user):
            return False
        old_email = user.email.lower()
        new_email = anonymous_email(user.pk)
        Anonymisation.objects.create(user=user, by=by if getattr(by, "pk", None) else None, reason=reason)

        user.first_name, user.last_name = FIRST_NAME, LAST_NAME
        user.email = user.username = new_email
        user.is_active = False
        user.set_unusable_password()
        user.save()

        _replace_free_text(user)
        _close_sign_in(user, old_email)
        _rewrite_address(user, old_email, new_email)
        _withhold_certificates(user)
        tallies.recount([old_email, new_email], [user.pk])  # her entries and training under the new address
        audit.log(by, [user], audit.ANONYMISED, Anonymisation.Reason(reason).label)
    return True


def _replace_free_text(user):
    """The team is what she typed about where she works, the note what she typed in a
    follow-up survey. Her job role stays as it is, a named "Other" role included: it is the
    job role every report counts her under."""
    LearnerProfile.objects.filter(user=user).update(team="")
    FollowUp.objects.filter(completion__learner=user).update(note="")


def _close_sign_in(user, old_email):
    EmailAddress.objects.filter(user=user).delete()
    SocialAccount.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    APIToken.objects.filter(user=user).delete()
    PendingRegistration.objects.filter(email__iexact=old_email).delete()
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username__iexact=old_email).delete()
    for profile in UserProfile.objects.filter(user=user):
        if profile.avatar:
            _delete_file_after_commit(profile.avatar.name)
        profile.delete()


def _rewrite_address(user, old_email, new_email):
    """Leads' staff lists match accounts by email: her entries follow her new address (and
    lose her name and team), so coverage still counts her. Reminders sent to her keep their
    dates and lose the address."""
    StaffListEntry.objects.filter(email=old_email).update(
        email=new_email, name=f"{FIRST_NAME} {LAST_NAME}", team=""
    )
    Reminder.objects.filter(Q(email=old_email) | Q(user=user)).update(email=new_email, user=user)
    ReminderWindow.objects.filter(email=old_email).delete()
    # A single-agency training list still counts her, under no name.
    ReturnAttendee.objects.filter(email__iexact=old_email).update(
        email=new_email, name=f"{FIRST_NAME} {LAST_NAME}"
    )


def _withhold_certificates(user):
    certificates = Certificate.objects.filter(completion__learner=user)
    for name in certificates.exclude(pdf="").values_list("pdf", flat=True):
        _delete_file_after_commit(name)
    certificates.update(holder_name="", pdf="", pdf_address="")
    CertificateNote.objects.filter(certificate__completion__learner=user).update(text=WITHHELD_NOTE)


def _delete_file_after_commit(name):
    """Files are not part of the transaction: delete them only once the change is kept."""
    transaction.on_commit(lambda: default_storage.delete(name))
