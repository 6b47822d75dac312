import re

from django.core.paginator import Paginator
from django.shortcuts import render
from wagtail.contrib.search_promotions.models import SearchPromotion
from wagtail.models import Page
from wagtail.search.utils import normalise_query_string

from cms import search_hits
from cms.models import Helpline, Resource
from cms.models.local_contacts import entries_for_request

RESULTS_PER_PAGE = 10
MAX_QUERY_LENGTH = 200
# Quotes and operators mean something to full-text engines (an unbalanced quote is an
# error in SQLite FTS5); people search with words, so only words reach the backend.
_NOT_A_WORD = re.compile(r"[^\w\s'-]+")


def search_words(text):
    return " ".join(_NOT_A_WORD.sub(" ", text).split())[:MAX_QUERY_LENGTH]


def search(request):
    """Site search over published pages, resources and helplines.

    Editors' promoted results ("best bets", managed in Wagtail's promoted search results)
    come first, then matching pages, then resources and helplines, because a chapter is
    usually what people want and a resource is easier to judge in its chapter. The search is
    counted later (cms.search_hits): the page writes nothing to the database.
    """
    query_text = search_words(request.GET.get("q") or "")
    context = {"search_query": query_text, "promotions": [], "pages": None, "resources": [], "helplines": []}
    if query_text:
        search_hits.record(query_text)
        promotions = list(
            SearchPromotion.objects.filter(
                query__query_string=normalise_query_string(query_text), page__live=True
            )
            .select_related("page")
            .order_by("sort_order")
        )
        pages = (
            Page.objects.live()
            .public()
            .exclude(pk__in=[p.page_id for p in promotions])
            .specific()
            .search(query_text)
        )
        context.update(
            promotions=promotions,
            pages=Paginator(pages, RESULTS_PER_PAGE).get_page(request.GET.get("page")),
            resources=list(Resource.objects.filter(live=True).search(query_text)[:RESULTS_PER_PAGE]),
            helplines=list(Helpline.objects.filter(live=True).search(query_text)[:5]),
        )
    return render(request, "cms/search.html", context)


def local_contacts(request):
    """Every kind of local contact the partnership keeps, with its live contact or "not set"."""
    return render(request, "cms/local_contacts.html", {"entries": entries_for_request(request)})
