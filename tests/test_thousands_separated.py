"""Counts on the pages have their thousands separated ("300,073 people"), as the tables and
downloads already do: at a partnership's size a report says how many hundred thousand people
its figures are about, and "300073" is hard to read. (Page numbers in links stay plain.)"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory
from wagtail.models import Page

from courses.views.reports import staff_caption

PEOPLE = 300073
SEPARATED = "300,073"


def test_the_staff_list_caption_separates_people_and_pages():
    page = Paginator(range(1_000_099), 50).page(1)

    assert staff_caption(page) == "1,000,099 members of staff, page 1 of 20,002"


def search_results():
    """Search results are Wagtail pages: the home page found 300,073 times, the second page of ten."""
    found = Paginator([Page.objects.get(depth=2)] * PEOPLE, 10).page(2)
    return {"search_query": "grooming", "pages": found}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("template", "context", "sentences"),
    [
        (
            "courses/reports/confidence.html",
            lambda: {"result": {"overall": {"pairs": PEOPLE}}, "before": {"overall": {"pairs": PEOPLE}}},
            [f"{SEPARATED} people (each person's mean rating", f"{SEPARATED} people, median"],
        ),
        (
            "quizzes/reports/knowledge.html",
            lambda: {"overall": {"pairs": PEOPLE}},
            [f"{SEPARATED} people: median score"],
        ),
        (
            "cms/search.html",
            search_results,
            [f"{SEPARATED} results for “grooming”", "Page 2 of 30,008"],
        ),
        (
            "workforce/staff_progress_table.html",
            lambda: {"page": Paginator(range(PEOPLE), 40).page(1)},
            [f"{SEPARATED} people, page 1 of 7,502"],
        ),
        (
            "training/returns/index.html",
            lambda: {"page": Paginator(range(PEOPLE), 20).page(1)},
            [f"{SEPARATED} returns, newest first", "Page 1 of 15,004"],
        ),
        (
            "workforce/staff_list_preview.html",
            lambda: {"result": {"total": PEOPLE}, "agency": {"code": "police", "name": "Police"}},
            [f"has {SEPARATED} people and no problems"],
        ),
    ],
)
def test_report_and_upload_pages_separate_thousands(template, context, sentences):
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    text = " ".join(render_to_string(template, context(), request=request).split())

    for sentence in sentences:
        assert sentence in text
    assert str(PEOPLE) not in text
