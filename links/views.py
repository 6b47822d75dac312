"""The "Broken links" admin report, and the two things an editor can do from it: check a
link again, and send a moved link's new address through the workflow."""

import django_filters
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.db.models import F
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.timezone import localtime
from django.views.decorators.http import require_POST
from wagtail.admin.auth import permission_denied
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import BaseColumn
from wagtail.admin.views.reports import ReportView

from cms.roles import is_content_staff

from .checker import check_url_now
from .models import FAILING, Link, LinkUse, Status
from .updates import CannotUpdate, update_to_final_url
from .uses import places_for

SHOWN = (*FAILING, Status.REDIRECTED)
"""The report lists failing links, and links that moved permanently (so they can be updated)."""


def long_date(value):
    return date_format(localtime(value), "j F Y") if value else ""


def status_in_words(link):
    words = link.get_status_display()
    return f"{words} (HTTP {link.http_code})" if link.http_code else words


def used_in_text(places):
    lines = []
    for found in places:
        line = (
            f"{found.kind}: {found.title} ({found.field})" if found.field else f"{found.kind}: {found.title}"
        )
        if found.used_on:
            line += " – shown on " + ", ".join(shown.title for shown in found.used_on)
        lines.append(line)
    return "; ".join(lines)


def content_type_choices():
    used = LinkUse.objects.filter(link__status__in=SHOWN).values_list("content_type_id", flat=True).distinct()
    types = [ContentType.objects.get_for_id(pk) for pk in used]
    return sorted(
        (
            (str(ct.pk), str(ct.model_class()._meta.verbose_name).capitalize())
            for ct in types
            if ct.model_class()
        ),
        key=lambda choice: choice[1],
    )


class BrokenLinksFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label="Status", choices=[(status.value, status.label) for status in SHOWN], empty_label="Any problem"
    )
    content_type = django_filters.ChoiceFilter(
        label="Used in", choices=content_type_choices, empty_label="Any content", method="filter_content_type"
    )

    class Meta:
        model = Link
        fields = ["status"]

    def filter_content_type(self, queryset, name, value):
        return queryset.filter(pk__in=LinkUse.objects.filter(content_type_id=value).values("link_id"))


class CellColumn(BaseColumn):
    """A column drawn by its own template, given the request's CSRF token and the address
    to come back to after a button."""

    def __init__(self, name, cell_template_name, **kwargs):
        super().__init__(name, **kwargs)
        self.cell_template_name = cell_template_name

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["csrf_token"] = parent_context.get("csrf_token")
        view = parent_context.get("view")
        context["back_url"] = getattr(view, "back_url", "")
        return context


class BrokenLinksView(ReportView):
    page_title = "Broken links"
    template_name = "cms/admin/card_report.html"
    table_classname = "listing report-cards"
    header_icon = "warning"
    index_url_name = "links:broken_links"
    index_results_url_name = "links:broken_links_results"
    filterset_class = BrokenLinksFilterSet
    is_searchable = True
    search_fields = ["url", "final_url"]
    verbose_name_plural = "broken links"
    export_filename = "broken-links"
    columns = [
        CellColumn("url", label="Link", cell_template_name="links/cells/link.html", width="28%"),
        CellColumn("status", label="Status", cell_template_name="links/cells/status.html", width="16%"),
        CellColumn(
            "failing_since_text",
            label="Failing since",
            cell_template_name="links/cells/failing_since.html",
            width="12%",
        ),
        CellColumn(
            "places", label="Where it is used", cell_template_name="links/cells/places.html", width="28%"
        ),
        CellColumn("actions", label="Actions", cell_template_name="links/cells/actions.html", width="16%"),
    ]
    list_export = [
        "url",
        "status_label",
        "http_code",
        "final_url",
        "error",
        "failing_since_text",
        "last_checked_text",
        "used_in",
    ]
    export_headings = {
        "url": "Link",
        "status_label": "Status",
        "http_code": "HTTP code",
        "final_url": "Moved to",
        "error": "What went wrong",
        "failing_since_text": "Failing since",
        "last_checked_text": "Last checked",
        "used_in": "Where it is used",
    }

    def dispatch(self, request, *args, **kwargs):
        if not is_content_staff(request.user):
            return permission_denied(request)
        return super().dispatch(request, *args, **kwargs)

    def get_filterset_kwargs(self):
        return {**super().get_filterset_kwargs(), "queryset": self.get_base_queryset()}

    def get_base_queryset(self):
        return Link.objects.filter(status__in=SHOWN).order_by(F("failing_since").asc(nulls_last=True), "url")

    @property
    def back_url(self):
        query = self.request.GET.copy()
        query.pop("_w_filter_fragment", None)
        query.pop("export", None)
        return reverse(self.index_url_name) + (f"?{query.urlencode()}" if query else "")

    def decorate_paginated_queryset(self, object_list):
        links = list(object_list)
        places = places_for(links)
        for link in links:
            link.places = places[link.pk]
            link.status_label = link.get_status_display()
            link.status_words = status_in_words(link)
            link.failing_since_text = long_date(link.failing_since)
            link.last_checked_text = long_date(link.last_checked)
            link.used_in = used_in_text(link.places)
        return links


def _back(request):
    url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(url)
    return HttpResponseRedirect(reverse("links:broken_links"))


@require_POST
def check_again(request, pk):
    if not is_content_staff(request.user):
        return permission_denied(request)
    link = get_object_or_404(Link, pk=pk)
    link = check_url_now(link.url)
    words = status_in_words(link)
    if link.status == Status.WORKING:
        messages.success(request, f"Checked again: {link.url} is working now ({words}).")
    elif link.status == Status.REDIRECTED:
        messages.warning(request, f"Checked again: {link.url} has moved permanently to {link.final_url}.")
    else:
        messages.warning(request, f"Checked again: {link.url} is still not working: {words}.")
    return _back(request)


@require_POST
def update_to_final(request, pk):
    if not is_content_staff(request.user):
        return permission_denied(request)
    link = get_object_or_404(Link, pk=pk)
    try:
        outcomes = update_to_final_url(link, request.user)
    except CannotUpdate as error:
        messages.error(request, str(error))
        return _back(request)
    updated = [outcome for outcome in outcomes if outcome.updated]
    refused = [outcome for outcome in outcomes if not outcome.updated]
    if updated:
        titles = ", ".join(outcome.title for outcome in updated)
        messages.success(
            request, f"{link.final_url} is submitted for approval in {titles}. It goes live once approved."
        )
    for outcome in refused:
        messages.error(request, f"{outcome.title} was not changed. {outcome.reason}")
    if not outcomes:
        messages.error(request, f"Nothing uses {link.url} any more.")
    return _back(request)
