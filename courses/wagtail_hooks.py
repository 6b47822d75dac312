from django.urls import reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet

from courses.viewsets import LearningViewSetGroup

register_snippet(LearningViewSetGroup)


class AgencyChangesMenuItem(MenuItem):
    """Administrators decide changes of agency on the same scoped page as the leads."""

    def is_shown(self, request):
        return request.user.is_superuser


@hooks.register("register_admin_menu_item")
def agency_changes_menu_item():
    return AgencyChangesMenuItem(
        "Changes of agency", reverse("courses:agency_changes"), icon_name="user", order=910
    )
