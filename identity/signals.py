"""Receivers for allauth's signals."""

from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.signals import authenticator_added
from django.dispatch import receiver


@receiver(authenticator_added)
def count_a_new_authenticator_as_this_sessions_second_step(sender, request, user, authenticator, **kwargs):
    """Adding an authenticator app means giving a code from it, so the session that just did it
    need not sign in again before going on."""
    if authenticator.type == authenticator.Type.TOTP:
        record_authentication(request, user, method="mfa", type="totp", id=authenticator.pk)
