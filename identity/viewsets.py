"""Settings → Work accounts: the partnership's OpenID Connect providers (allauth SocialApps of
provider "openid_connect"), for superusers only. The client secret is never shown again once
saved; leaving it blank when editing keeps it."""

import ipaddress
from urllib.parse import urlsplit

from allauth.socialaccount.models import SocialApp
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.validators import validate_slug
from django.shortcuts import redirect
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import BasePermissionPolicy

from cms.models import PartnershipSettings
from cms.models.settings import WORK_ACCOUNT_PROVIDER

WELL_KNOWN = "/.well-known/openid-configuration"
BAD_SHORT_NAME = "Use only letters, numbers, hyphens and underscores, e.g. entra."
BAD_URL = "Enter the server URL as a web address, like https://login.microsoftonline.com/<tenant ID>/v2.0."
NOT_HTTPS = "The server URL must start with https:// (only a test server on this computer may use http)."
LAST_PROVIDER = (
    "This is the only work account provider and signing in with a password is turned off, so "
    "nobody could sign in without it. Turn passwords back on in Partnership settings first."
)


def providers():
    return SocialApp.objects.filter(provider=WORK_ACCOUNT_PROVIDER)


class SuperusersOnly(BasePermissionPolicy):
    """Client secrets and who may sign in are for superusers alone, whatever groups allow."""

    def user_has_permission(self, user, action):
        return user.is_active and user.is_superuser

    def user_has_any_permission(self, user, actions):
        return user.is_active and user.is_superuser

    def users_with_any_permission(self, actions):
        return get_user_model().objects.filter(is_active=True, is_superuser=True)


class WorkAccountProviderForm(WagtailAdminModelForm):
    server_url = forms.CharField(
        label="Server URL (issuer)",
        max_length=500,
        help_text="The provider's issuer address. For Microsoft Entra ID: "
        "https://login.microsoftonline.com/<your tenant ID>/v2.0",
        error_messages={"required": "Enter the provider's server URL."},
    )
    secret = forms.CharField(
        label="Client secret",
        max_length=191,
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text="From the provider's app registration. It is never shown again once saved.",
    )

    class Meta:
        model = SocialApp
        fields = ["name", "provider_id", "client_id", "secret"]
        labels = {"name": "Button text", "provider_id": "Short name", "client_id": "Client ID"}
        help_texts = {
            "name": "What the sign-in button says, e.g. “NHS or council work account (Microsoft)”.",
            "provider_id": "Letters, numbers and hyphens, e.g. entra. It is part of the redirect URI "
            "to give the provider: https://<this site>/accounts/oidc/<short name>/login/callback/",
            "client_id": "The application (client) ID from the provider's app registration.",
        }
        error_messages = {
            "name": {"required": "Enter the text for the sign-in button."},
            "provider_id": {"required": "Enter a short name, e.g. entra."},
            "client_id": {"required": "Enter the client ID."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider_id"].required = True
        if self.instance.pk:
            self.initial["server_url"] = self.instance.settings.get("server_url", "")
            self.fields["secret"].help_text = "Leave blank to keep the secret saved now."

    def clean_provider_id(self):
        value = self.cleaned_data["provider_id"].strip().lower()
        try:
            validate_slug(value)
        except forms.ValidationError:
            raise forms.ValidationError(
                "Use only letters, numbers, hyphens and underscores, e.g. entra."
            ) from None
        taken = SocialApp.objects.filter(provider_id=value).exclude(pk=self.instance.pk).exists()
        if taken:
            raise forms.ValidationError("Another provider already has this short name. Choose another.")
        return value

    def clean_secret(self):
        value = self.cleaned_data["secret"]
        if value:
            return value
        if self.instance.pk and self.instance.secret:
            return self.instance.secret
        raise forms.ValidationError("Enter the client secret.")

    def clean_server_url(self):
        value = self.cleaned_data["server_url"].strip()
        if value.endswith(WELL_KNOWN):
            value = value[: -len(WELL_KNOWN)]
        value = value.rstrip("/")
        try:
            parts = urlsplit(value)
            host = parts.hostname or ""
        except ValueError:
            parts, host = None, ""
        if (
            parts is None
            or parts.scheme not in {"https", "http"}
            or not host
            or parts.query
            or parts.fragment
        ):
            raise forms.ValidationError(
                "Enter the server URL as a web address, like https://login.example.org/tenant."
            )
        if parts.scheme != "https" and not _is_local(host):
            raise forms.ValidationError(
                "The server URL must start with https:// (only a test server on this machine may use http)."
            )
        return value

    def save(self, commit=True):
        self.instance.provider = WORK_ACCOUNT_PROVIDER
        self.instance.settings = {
            **(self.instance.settings or {}),
            "server_url": self.cleaned_data["server_url"],
        }
        return super().save(commit)


def _is_local(host):
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class ProviderIndexView(generic.IndexView):
    def get_base_queryset(self):
        return providers()


class ProviderEditView(generic.EditView):
    def get_queryset(self):
        return providers()


class ProviderDeleteView(generic.DeleteView):
    def get_queryset(self):
        return providers()

    def form_valid(self, form):
        passwords_off = PartnershipSettings.objects.filter(allow_passwords=False).exists()
        if passwords_off and not providers().exclude(pk=self.object.pk).exists():
            messages.error(self.request, LAST_PROVIDER)
            return redirect(self.index_url_name)
        return super().form_valid(form)


class WorkAccountProviderViewSet(ModelViewSet):
    model = SocialApp
    name = "work_accounts"
    url_prefix = "work-accounts"
    menu_label = "Work accounts"
    icon = "key"
    add_to_settings_menu = True
    add_to_reference_index = False
    copy_view_enabled = False
    inspect_view_enabled = False
    list_display = ["name", "provider_id", "client_id"]
    index_view_class = ProviderIndexView
    edit_view_class = ProviderEditView
    delete_view_class = ProviderDeleteView

    def get_form_class(self, for_update=False):
        return WorkAccountProviderForm


work_account_viewset = WorkAccountProviderViewSet()
