"""The "Broken links" report, its "Check again" button and the dashboard panel."""

import csv
import io
from datetime import UTC, datetime

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cms.models import Helpline
from cms.roles import CONTENT_APPROVERS, CONTENT_EDITORS
from courses.models import AgencyLead
from links.models import Link, Status
from tests.factories import make_chapter, make_learner, make_resources
from tests.links.helpers import content_user, failing, use

pytestmark = pytest.mark.django_db

REPORT = "/admin/links/broken/"


def rows(response):
    soup = BeautifulSoup(response.content, "html.parser")
    return [
        [" ".join(cell.get_text(" ", strip=True).split()) for cell in row.find_all("td")]
        for row in soup.select("table tbody tr")
    ]


def in_menu(client):
    """Whether the admin sidebar (drawn from JSON props) offers the report."""
    soup = BeautifulSoup(client.get("/admin/").content, "html.parser")
    return '"/admin/links/broken/"' in soup.find(id="wagtail-sidebar-props").get_text()


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


@pytest.fixture(autouse=True)
def no_links_yet():
    """Each test counts its own rows: the demo's broken link (seed_demo) goes first."""
    Link.objects.all().delete()


@pytest.fixture
def editor(client):
    user = content_user(CONTENT_EDITORS, first_name="Edith")
    client.force_login(user)
    return user


@pytest.fixture
def links():
    """One link of each status, and which the report must list."""
    made = {
        "broken": failing(
            "https://example.org/gone", Status.BROKEN, 404, datetime(2026, 11, 28, 2, 0, tzinfo=UTC)
        ),
        "timed_out": failing("https://example.org/slow", Status.TIMED_OUT, None),
        "refused": failing("https://example.org/private", Status.REFUSED, None),
        "redirected": Link.objects.create(
            url="https://example.org/old",
            status=Status.REDIRECTED,
            http_code=301,
            final_url="https://example.org/new",
        ),
        "working": Link.objects.create(url="https://example.org/fine", status=Status.WORKING, http_code=200),
        "blocked": Link.objects.create(
            url="https://example.org/bot-wall", status=Status.BLOCKED, http_code=403
        ),
        "unchecked": Link.objects.create(url="https://example.org/new-one"),
    }
    return made


def test_lists_each_failing_or_moved_link_once_with_its_status_and_since_when(editor, client, links):
    table = rows(client.get(REPORT))

    # the link cell holds the URL and, for some, what went wrong
    assert sorted(row[0].split(" ")[0] for row in table) == [
        "https://example.org/gone",
        "https://example.org/old",
        "https://example.org/private",
        "https://example.org/slow",
    ]
    table = [[row[0].split(" ")[0], *row[1:]] for row in table]
    by_url = {row[0]: row for row in table}
    assert by_url["https://example.org/gone"][1].startswith("Broken (HTTP 404)")
    assert by_url["https://example.org/gone"][2] == "Failing since 28 November 2026"  # the label shows on a phone card
    assert by_url["https://example.org/slow"][1].startswith("Timed out")
    assert by_url["https://example.org/slow"][2] == "Failing since 20 November 2026"
    assert by_url["https://example.org/private"][1].startswith("Not allowed (private address)")
    assert by_url["https://example.org/old"][1].startswith(
        "Moved permanently (HTTP 301) Moved to https://example.org/new"
    )
    assert "Update to https://example.org/new" in by_url["https://example.org/old"][4]
    assert "Update to" not in by_url["https://example.org/gone"][4]
    assert all(row[4].startswith("Check again") for row in table)


def test_says_where_each_link_is_used_with_a_way_to_edit_it_and_where_a_snippet_is_shown(
    editor, client, links
):
    resource = make_resources(1)[0]
    chapter = make_chapter("Chapter listing the resource", resources=[resource])
    helpline = Helpline.objects.create(key="line", name="Support line", number="0800 111")
    use(links["broken"], resource)
    use(links["broken"], helpline, "website")
    use(links["timed_out"], chapter, "body › section › content › text")

    soup = BeautifulSoup(client.get(REPORT).content, "html.parser")
    gone = next(row for row in soup.select("table tbody tr") if "https://example.org/gone" in row.get_text())
    hrefs = {a.get_text(strip=True): a["href"] for a in gone.select("td")[3].find_all("a")}
    assert hrefs == {
        resource.title: f"/admin/snippets/cms/resource/edit/{resource.pk}/",
        "Chapter listing the resource": f"/admin/pages/{chapter.pk}/edit/",  # shows the resource
        "Support line (0800 111)": f"/admin/snippets/cms/helpline/edit/{helpline.pk}/",
    }
    assert "Shown on:" in gone.select("td")[3].get_text()
    slow = next(row for row in soup.select("table tbody tr") if "https://example.org/slow" in row.get_text())
    assert {a["href"] for a in slow.select("td")[3].find_all("a")} == {f"/admin/pages/{chapter.pk}/edit/"}
    assert "(body › section › content › text)" in slow.select("td")[3].get_text()


def test_filters_by_status_and_by_the_kind_of_content(editor, client, links):
    helpline = Helpline.objects.create(key="line", name="Support line", number="0800 111")
    resource = make_resources(1)[0]
    use(links["broken"], helpline, "website")
    use(links["refused"], resource)

    timed_out = rows(client.get(REPORT, {"status": "timed_out"}))
    assert [row[0] for row in timed_out] == ["https://example.org/slow"]

    from django.contrib.contenttypes.models import ContentType

    helplines = ContentType.objects.get_for_model(Helpline).pk
    assert [row[0] for row in rows(client.get(REPORT, {"content_type": helplines}))] == [
        "https://example.org/gone"
    ]
    # a value that is not a choice filters nothing and does not fail
    response = client.get(REPORT, {"status": "nonsense", "content_type": "abc"})
    assert response.status_code == 200


def test_exports_the_same_rows_as_csv(editor, client, links):
    resource = make_resources(1)[0]
    use(links["broken"], resource)
    response = client.get(REPORT, {"export": "csv"})
    assert response.status_code == 200
    table = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert table[0] == [
        "Link",
        "Status",
        "HTTP code",
        "Moved to",
        "What went wrong",
        "Failing since",
        "Last checked",
        "Where it is used",
    ]
    by_url = {row[0]: row for row in table[1:]}
    assert set(by_url) == {
        "https://example.org/gone",
        "https://example.org/slow",
        "https://example.org/private",
        "https://example.org/old",
    }
    assert by_url["https://example.org/gone"][1:3] == ["Broken", "404"]
    assert by_url["https://example.org/gone"][5] == "28 November 2026"
    assert by_url["https://example.org/gone"][7] == f"Resource: {resource.title} (link)"
    assert by_url["https://example.org/old"][3] == "https://example.org/new"


def test_xlsx_export_opens(editor, client, links):
    from openpyxl import load_workbook

    response = client.get(REPORT, {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.max_row == 1 + 4


def test_query_count_does_not_grow_with_the_rows(editor, client):
    def add(count, start):
        for n in range(start, start + count):
            resource = make_resources(1)[0]
            chapter = make_chapter(f"Chapter {n}", resources=[resource])
            helpline = Helpline.objects.create(key=f"line-{n}", name=f"Line {n}", number="0800 111")
            link = failing(f"https://example.org/broken/{n}")
            use(link, resource)
            use(link, helpline, "website")
            use(failing(f"https://example.org/in-page/{n}", Status.TIMED_OUT, None), chapter, "body")

    add(1, 0)
    with CaptureQueriesContext(connection) as few:
        assert len(rows(client.get(REPORT))) == 2
    add(5, 1)
    with CaptureQueriesContext(connection) as many:
        assert len(rows(client.get(REPORT))) == 12
    assert len(many) == len(few)


@pytest.mark.parametrize("group", [CONTENT_EDITORS, CONTENT_APPROVERS])
def test_content_groups_see_it_in_the_reports_menu(client, group):
    client.force_login(content_user(group))
    assert client.get(REPORT).status_code == 200
    assert in_menu(client)


def test_learners_and_leads_do_not(client, links):
    learner = make_learner()
    lead = make_learner()
    AgencyLead.objects.create(user=lead)
    for user in (learner, lead):
        client.force_login(user)
        response = client.get(REPORT)
        assert response.status_code in (302, 403)
        assert b"example.org/gone" not in response.content
        response = client.post(reverse("links:check_again", args=[links["broken"].pk]))
        assert response.status_code in (302, 403)
        assert response.get("Location", "").startswith("/accounts/sign-in/") or response.status_code == 403


def test_staff_outside_the_content_groups_are_refused(client, links):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    user = get_user_model().objects.create_user(username="moderator", password="x")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    response = client.get(REPORT)
    assert (response.status_code, response["Location"]) == (302, "/admin/")  # Wagtail's "permission denied"
    response = client.post(reverse("links:check_again", args=[links["broken"].pk]))
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert Link.objects.get(pk=links["broken"].pk).last_checked == links["broken"].last_checked  # not checked
    assert not in_menu(client)
    assert "broken-links-section" not in client.get("/admin/").content.decode()


def test_check_again_fetches_the_link_and_says_what_it_found(editor, client, link_server):
    link = failing(link_server.url("/gone"))
    link_server.set("/gone", 200)

    response = client.post(
        reverse("links:check_again", args=[link.pk]), {"next": REPORT + "?status=broken"}, follow=True
    )

    assert response.redirect_chain == [(REPORT + "?status=broken", 302)]
    assert ("HEAD", "/gone") in link_server.hits
    link.refresh_from_db()
    assert (link.status, link.http_code, link.failing_since) == (Status.WORKING, 200, None)
    assert messages_of(response) == [f"Checked again: {link.url} is working now (Working (HTTP 200))."]


def test_check_again_on_a_link_still_broken(editor, client, link_server):
    link = failing(link_server.url("/error"), code=404)
    response = client.post(
        reverse("links:check_again", args=[link.pk]), {"next": "https://evil.example/"}, follow=True
    )
    assert response.redirect_chain == [(REPORT, 302)]  # never to another site
    link.refresh_from_db()
    assert (link.status, link.http_code) == (Status.BROKEN, 500)
    assert messages_of(response) == [f"Checked again: {link.url} is still not working: Broken (HTTP 500)."]


def test_check_again_is_a_post_with_a_csrf_token(editor, client, links):
    assert client.get(reverse("links:check_again", args=[links["broken"].pk])).status_code == 405
    assert client.post(reverse("links:check_again", args=[999999])).status_code == 404
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(editor)
    assert strict.post(reverse("links:check_again", args=[links["broken"].pk])).status_code == 403
    page = BeautifulSoup(client.get(REPORT).content, "html.parser")
    form = page.find("form", action=reverse("links:check_again", args=[links["broken"].pk]))
    assert form["method"] == "post"
    assert form.find("input", attrs={"name": "csrfmiddlewaretoken"})["value"]


def panel(client):
    soup = BeautifulSoup(client.get("/admin/").content, "html.parser")
    return (
        " ".join(soup.find(id="broken-links-section").get_text(" ", strip=True).split())
        if soup.find(id="broken-links-section")
        else None
    )


def test_dashboard_panel_counts_failing_links_and_lists_hers_first(editor, client, links):
    mine = make_resources(1, owner_person=editor)[0]
    use(links["broken"], mine)
    text = panel(client)
    assert text.startswith("Broken links: 3")
    assert f"In content you own: Broken (HTTP 404) : https://example.org/gone, used in {mine.title}" in text
    assert "See all 3 broken links" in text
    soup = BeautifulSoup(client.get("/admin/").content, "html.parser")
    assert soup.find(id="broken-links-section").find(
        "a", href=f"/admin/snippets/cms/resource/edit/{mine.pk}/"
    )
    assert soup.find(id="broken-links-section").find("a", href=REPORT)


def test_dashboard_panel_when_nothing_is_failing(editor, client):
    assert "Links have not been checked yet." in panel(client)
    Link.objects.create(
        url="https://example.org/fine",
        status=Status.WORKING,
        http_code=200,
        last_checked=datetime(2026, 11, 29, 23, 30, tzinfo=UTC),  # 29 November in London
    )
    assert panel(client) == "Broken links: 0 No broken links found in the last check on 29 November 2026."
