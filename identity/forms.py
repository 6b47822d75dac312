"""The short form a first sign-in with a work account finishes on (allauth shows it because
SOCIALACCOUNT_AUTO_SIGNUP is off): the same work details and privacy agreement as registering,
with the email address the provider gave, which cannot be changed here."""

from allauth.socialaccount.forms import SignupForm
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q

from cms.models import Agency
from courses.forms import ProfileFieldsMixin, RegistrationForm
from courses.models import LearnerProfile

NO_EMAIL = (
    "Your work account did not give us an email address, so we cannot make an account with it. "
    "Ask your IT service desk, or register with your email address and a password."
)
EMAIL_TAKEN = (
    "There is already an account for {email}. Your work account has not confirmed that this "
    "address is yours, so we cannot sign you in to that account with it. Sign in with your password instead."
)


def agency_for_email(email):
    """The agency whose email domains include `email`'s, if exactly one has (agencies without
    domains accept any address, so they say nothing about where someone works)."""
    matches = [
        agency for agency in Agency.objects.exclude(allowed_email_domains="") if agency.accepts_email(email)
    ]
    return matches[0] if len(matches) == 1 else None


class WorkAccountSignupForm(ProfileFieldsMixin, SignupForm):
    first_name = RegistrationForm.base_fields["first_name"]
    last_name = RegistrationForm.base_fields["last_name"]
    accept_privacy = RegistrationForm.base_fields["accept_privacy"]

    field_order = [
        "first_name",
        "last_name",
        "agency",
        "job_role",
        "job_role_other",
        "team",
        "accept_privacy",
    ]

    clean_first_name = RegistrationForm.clean_first_name
    clean_last_name = RegistrationForm.clean_last_name
    profile_values = RegistrationForm.profile_values

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The address comes from the provider and is shown, not asked for: ProfileFieldsMixin
        # checks it against the agency chosen (current_email), as on the profile page.
        self.current_email = (self.initial.get("email") or "").strip().lower()
        del self.fields["email"]
        if self.current_email and "agency" not in self.initial:
            self.initial["agency"] = agency_for_email(self.current_email)

    def clean(self):
        cleaned = super().clean()
        email = self.current_email
        if not email:
            raise forms.ValidationError(NO_EMAIL)
        # Reached only when allauth could not sign in to an existing account by a verified email.
        if get_user_model().objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).exists():
            raise forms.ValidationError(EMAIL_TAKEN.format(email=email))
        cleaned["email"] = email
        cleaned["username"] = email  # as for accounts made by registering
        return cleaned

    def signup(self, request, user):
        """allauth has saved the user and linked the work account; the learner profile completes it."""
        LearnerProfile.objects.create(user=user, **self.profile_values())
