"""The rights pages: a person sees and downloads what the partnership holds about her and can
anonymise her own account; an administrator does both for a request received by post, from
the user's row in Wagtail's Users listing (privacy.wagtail_hooks). Both sides read
privacy.export.personal_data and call privacy.anonymise.anonymise, so they cannot differ."""

import json

from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from privacy import audit
from privacy.anonymise import anonymise, is_anonymised
from privacy.export import personal_data
from privacy.forms import AnonymiseForm
from privacy.models import Anonymisation


def json_download(data, user):
    """The export as a file to keep, never stored by a browser or proxy cache."""
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    name = f"personal-data-{user.pk}-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


# -- the person herself -----------------------------------------------------------------------


@login_required
@never_cache
@require_GET
def my_data(request):
    return render(
        request,
        "privacy/my_data.html",
        {"data": personal_data(request.user), "json_url": reverse("privacy:my_data_json")},
    )


@login_required
@never_cache
@require_GET
def my_data_json(request):
    return json_download(personal_data(request.user), request.user)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def anonymise_me(request):
    """The account holder erases her own details; she is signed out at once. Administrators
    cannot do this to themselves here: another administrator does it, so the site is never
    left without one by a slip."""
    if request.user.is_superuser:
        return render(request, "privacy/anonymise_me.html", {"superuser": True})
    form = AnonymiseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        anonymise(request.user, request.user, Anonymisation.Reason.REQUEST)
        logout(request)
        return redirect("privacy:anonymised")
    return render(request, "privacy/anonymise_me.html", {"form": form})


@require_GET
def anonymised(request):
    return render(request, "privacy/anonymise_done.html")


# -- administrators, in Wagtail's admin ----------------------------------------------------------


class SuperuserOnlyMixin:
    """Administrators only: the access export and anonymising reach every person's data."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def subject(self):
        return get_object_or_404(get_user_model(), pk=self.kwargs["pk"])

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("wagtailusers_users:index"), "label": "Users"},
            {"url": reverse("wagtailusers_users:edit", args=[self.subject.pk]), "label": str(self.subject)},
            {"url": "", "label": self.page_title},
        ]


class AdminExportView(SuperuserOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    """The access export for a request received by post: the page to read or print, and
    the JSON to send. Each is logged against the person it is about."""

    template_name = "privacy/admin_export.html"
    page_title = "Personal data"
    header_icon = "user"

    def get(self, request, *args, **kwargs):
        data = personal_data(self.subject)
        if request.GET.get("format") == "json":
            audit.log(request.user, [self.subject], audit.EXPORTED, "Access request export (JSON)")
            return json_download(data, self.subject)
        audit.log(request.user, [self.subject], audit.EXPORTED, "Access request export")
        return self.render_to_response(self.get_context_data(data=data, subject=self.subject))

    def get_page_subtitle(self):
        return str(self.subject)


class AdminAnonymiseView(SuperuserOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "privacy/admin_anonymise.html"
    page_title = "Anonymise account"
    header_icon = "user"

    def get_page_subtitle(self):
        return str(self.subject)

    def get(self, request, *args, **kwargs):
        return self.page(AnonymiseForm())

    def post(self, request, *args, **kwargs):
        if self.subject == request.user:
            raise PermissionDenied
        form = AnonymiseForm(request.POST)
        if not form.is_valid():
            return self.page(form)
        if anonymise(self.subject, request.user, Anonymisation.Reason.ADMINISTRATOR):
            messages.success(request, f"Account {self.subject.pk} has been anonymised.")
        else:
            messages.warning(
                request, f"Account {self.subject.pk} was already anonymised: nothing was changed."
            )
        return redirect("wagtailusers_users:index")

    def page(self, form):
        context = self.get_context_data(
            form=form,
            subject=self.subject,
            already=is_anonymised(self.subject),
            own_account=self.subject == self.request.user,
            export_url=reverse("privacy_admin:export", args=[self.subject.pk]),
        )
        return self.render_to_response(context)
