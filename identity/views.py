"""The identity pages that are the site's own rather than allauth's."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def two_step_required(request):
    """Where a role that must use two-step sign-in is sent until it has set it up."""
    return render(request, "identity/two_step_required.html")
