"""The identity pages that are the site's own rather than allauth's."""

from allauth.account.internal.flows.email_verification import send_verification_email_for_user
from allauth.account.models import EmailAddress
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods


@login_required
def two_step_required(request):
    """Where a role that must use two-step sign-in is sent until it has set it up."""
    return render(request, "identity/two_step_required.html")


def email_confirmed(user):
    """allauth's record of a confirmed address is the one rule for starting a course."""
    return EmailAddress.objects.filter(user=user, verified=True, primary=True).exists()


@login_required
@require_http_methods(["GET", "POST"])
def confirm_email_first(request):
    """Where an account whose email is not confirmed (one an administrator made, say) is sent
    when it tries to start a course. The button emails allauth's confirmation link; allauth
    sends at most one every few minutes per address, and says nothing more if asked sooner,
    since the last link still works."""
    if email_confirmed(request.user):
        return redirect("courses:my_learning")
    sent = False
    if request.method == "POST":
        send_verification_email_for_user(request, request.user)
        sent = True
    return render(request, "identity/confirm_email_first.html", {"sent": sent})
