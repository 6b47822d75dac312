"""Two-step sign-in for the roles that need it, wherever the sign-in happened.

A session of such a role that has not given a code is sent to add an authenticator app (if
it has none yet) or signed out and asked to sign in again (for example after Wagtail's own
sign-in page, which knows nothing of codes). Only the pages needed to do that stay open."""

from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect

from identity.two_step import IDLE_MINUTES, has_authenticator, needs_two_step, passed_two_step

# The pages a session may still open before its two-step sign-in is done (ours and allauth's URL names).
OPEN_BEFORE_TWO_STEP = {
    "two_step_required",
    "mfa_index",
    "mfa_activate_totp",
    "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes",
    "mfa_download_recovery_codes",
    "mfa_authenticate",
    "mfa_reauthenticate",
    "account_reauthenticate",
    "account_logout",
    "logout",
}


class TwoStepRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # After the view, so the request that signs someone in already gets the short session;
        # set on every request, so the 30 minutes start again from each one.
        if request.user.is_authenticated and _needs_two_step(request.user):
            request.session.set_expiry(IDLE_MINUTES * 60)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or not _needs_two_step(user):
            return None
        if passed_two_step(request):
            return None
        match = request.resolver_match
        if match is not None and match.url_name in OPEN_BEFORE_TWO_STEP:
            return None
        if has_authenticator(user):
            logout(request)
            return redirect_to_login(request.get_full_path())
        return redirect("identity:two_step_required")


def _needs_two_step(user):
    """needs_two_step, asked once per request (the user object lives as long as the request)."""
    if not hasattr(user, "_needs_two_step"):
        user._needs_two_step = needs_two_step(user)
    return user._needs_two_step
