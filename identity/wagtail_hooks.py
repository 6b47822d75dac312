from allauth.socialaccount.models import SocialApp
from wagtail import hooks
from wagtail.permissions import register_permission_policy

from identity.viewsets import SuperusersOnly, work_account_viewset

register_permission_policy(SocialApp, SuperusersOnly(SocialApp))  # before the viewset makes its own


@hooks.register("register_admin_viewset")
def register_work_account_viewset():
    return work_account_viewset
