"""A published page is in site search at once, even when Wagtail's index updates wait in
production's database task queue and no worker runs (cms/search_index.py)."""

import pytest
from bs4 import BeautifulSoup
from django_tasks_db.models import DBTaskResult
from wagtail.models import Page

from cms.models import ChapterPage, Helpline, ToolkitIndexPage

pytestmark = pytest.mark.django_db

PRODUCTION_TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    "links": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}


def result_links(client, words):
    soup = BeautifulSoup(client.get("/search/", {"q": words}).content, "html.parser")
    return [a["href"] for a in soup.select(".search-results h3 a")]


def test_a_published_page_is_found_at_once_without_a_worker(client, settings):
    settings.TASKS = PRODUCTION_TASKS
    page = ChapterPage(title="Zebrafinch guidance", slug="zebrafinch-guidance", source="-", body=[], live=False)
    ToolkitIndexPage.objects.get().add_child(instance=page)
    # Saving queued Wagtail's index update, which nothing runs: the index does not know it.
    assert DBTaskResult.objects.ready().filter(task_path__endswith="insert_or_update_object_task").exists()
    assert not Page.objects.search("zebrafinch")

    page.save_revision().publish()
    assert result_links(client, "zebrafinch") == ["/toolkit/zebrafinch-guidance/"]


def test_a_published_helpline_is_found_at_once_without_a_worker(client, settings):
    settings.TASKS = PRODUCTION_TASKS
    helpline = Helpline.objects.filter(live=True).order_by("pk").first()
    helpline.name = "Kingfisher support line"
    helpline.save_revision().publish()
    assert b"Kingfisher support line" in client.get("/search/", {"q": "kingfisher"}).content
