"""Who must sign in in two steps, and whether this session has.

Everyone who can see other people's records or change what staff are taught (administrators,
content editors and approvers, agency leads, the partnership manager, and trainers, who see
the names on a session's register) must add an authenticator app and give a code from it at
every sign-in; for learners it is optional.
Their sessions also end after 30 minutes without a request. allauth keeps the record of how
this session signed in (password, work account, code); this module only reads it."""

from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q

from cms.roles import CONTENT_APPROVERS, CONTENT_EDITORS
from training.models import TRAINERS

IDLE_MINUTES = 30


def needs_two_step(user):
    """True for the roles that must use two-step sign-in (one query)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    admin_access = Permission.objects.filter(content_type__app_label="wagtailadmin", codename="access_admin")
    return (
        get_user_model()
        .objects.filter(pk=user.pk)
        .filter(
            Q(agency_lead__isnull=False)
            | Q(partnership_manager__isnull=False)
            | Q(groups__name__in=[CONTENT_EDITORS, CONTENT_APPROVERS, TRAINERS])
            | Q(groups__permissions__in=admin_access)
            | Q(user_permissions__in=admin_access)
        )
        .exists()
    )


def has_authenticator(user):
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def passed_two_step(request):
    """True when this session's sign-in included a code from an authenticator app or a
    recovery code."""
    return any(record.get("method") == "mfa" for record in get_authentication_records(request, request.user))
