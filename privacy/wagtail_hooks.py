from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.widgets import Button

from privacy import admin_urls
from privacy.audit import ACTIONS, formatter


@hooks.register("register_log_actions")
def register_privacy_actions(actions):
    for action in ACTIONS:
        actions.register_action(action)(formatter(action))


@hooks.register("register_admin_urls")
def register_rights_urls():
    return [path("privacy/", include(admin_urls, namespace="privacy_admin"))]


@hooks.register("register_user_listing_buttons")
def rights_buttons(user, request_user):
    """An access export and anonymising, in each user's "More" menu, for administrators."""
    if not request_user.is_superuser:
        return []
    buttons = [
        Button("Personal data (access request)", reverse("privacy_admin:export", args=[user.pk]), priority=50)
    ]
    if user != request_user:
        buttons.append(Button("Anonymise", reverse("privacy_admin:anonymise", args=[user.pk]), priority=60))
    return buttons
