"""How allauth fits this site: people register through the site's own form (with agency and
job role), never allauth's; a first sign-in with a work account finishes on a short form."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter

from identity.two_step import needs_two_step


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        return False  # courses:register is the way in


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin):
        return True

    def populate_user(self, request, sociallogin, data):
        """The email address is the username here, as for accounts made by registering."""
        user = super().populate_user(request, sociallogin, data)
        email = (data.get("email") or "").strip().lower()
        user.email = email
        user.username = email
        return user


class MFAAdapter(DefaultMFAAdapter):
    """allauth's two-step sign-in in the site's words: a refused code says what to try instead."""

    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "incorrect_code": (
            "That code did not work. Enter the 6-digit code your app shows now (each code works "
            "once), or a recovery code you have not used."
        ),
        "cannot_delete_authenticator": (
            "Your role needs two-step sign-in, so you cannot turn it off. If you have a new phone, "
            "ask an administrator of the hub to remove your old authenticator app."
        ),
    }

    def can_delete_authenticator(self, authenticator):
        """Learners may turn two-step sign-in off again; the roles that must use it may not."""
        return not needs_two_step(authenticator.user)
