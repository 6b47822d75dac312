from django.core.paginator import Paginator
from django.shortcuts import render
from wagtail.contrib.search_promotions.models import Query
from wagtail.models import Page

from cms.models import Helpline, Resource

RESULTS_PER_PAGE = 10
MAX_QUERY_LENGTH = 200


def search(request):
    """Site search over published pages, resources and helplines.

    Pages come first because a chapter is usually what people want; resources and
    helplines that match are listed after them with where to find them.
    """
    query = (request.GET.get("q") or "").strip()[:MAX_QUERY_LENGTH]
    pages = resources = helplines = None
    if query:
        page_results = Page.objects.live().public().specific().search(query)
        pages = Paginator(page_results, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
        resources = list(Resource.objects.search(query)[:RESULTS_PER_PAGE])
        helplines = list(Helpline.objects.search(query)[:5])
        Query.get(query).add_hit()
    return render(
        request,
        "cms/search.html",
        {
            "search_query": query,
            "pages": pages,
            "resources": resources,
            "helplines": helplines,
        },
    )
