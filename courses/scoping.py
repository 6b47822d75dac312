"""Who may see whose training records: one place, used by every lead page and download.

A lead sees only the agencies she is linked to; the partnership manager sees every agency;
anyone else (content editors included) sees no one's records. A record belongs to the agency
it was made in (an enrolment and what was done in it, a completion), not to the agency its
learner is in now."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q

from cms.models import Agency
from courses.models import Completion, PartnershipManager


def lead_agencies(user):
    """The agencies whose records `user` may see (empty for anyone who is not a lead)."""
    if not user.is_authenticated:
        return Agency.objects.none()
    if PartnershipManager.objects.filter(user=user).exists():
        return Agency.objects.all()
    return Agency.objects.filter(leads__user=user)


def is_lead(user):
    """True for agency leads and the partnership manager (one query)."""
    if not user.is_authenticated:
        return False
    return (
        get_user_model()
        .objects.filter(Q(pk=user.pk) & (Q(agency_lead__isnull=False) | Q(partnership_manager__isnull=False)))
        .exists()
    )


def approver_agencies(user):
    """The agencies whose incoming changes of agency `user` may approve: those she leads
    (every agency for the partnership manager), or every agency for an administrator."""
    if user.is_authenticated and user.is_superuser:
        return Agency.objects.all()
    return lead_agencies(user)


def visible_completions(user):
    """Completions counted for the agencies `user` leads (by the agency at completion)."""
    return Completion.objects.filter(agency__in=lead_agencies(user))


def require_report_viewer(user):
    """The agencies `user` may see; anyone else signed in (a learner, a content editor) is
    refused with 403."""
    agencies = lead_agencies(user)
    if not agencies.exists():
        raise PermissionDenied("Reports are for agency leads and the partnership manager.")
    return agencies
