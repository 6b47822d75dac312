"""The site's Content Security Policy, with one allowance for Wagtail's admin."""

from functools import cached_property

from csp.middleware import CSPMiddleware
from django.urls import reverse


class SiteCSPMiddleware(CSPMiddleware):
    """The policy of settings.CONTENT_SECURITY_POLICY everywhere: no inline script, so text
    that slips into a page can never run. Wagtail's admin still writes inline scripts of its
    own (inline panels, date pickers), so its pages alone, used by staff, allow them."""

    @cached_property
    def admin_prefix(self):
        return reverse("wagtailadmin_home")

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith(self.admin_prefix):
            parts.update = {**(parts.update or {}), "script-src": ["'unsafe-inline'"]}
        return parts
