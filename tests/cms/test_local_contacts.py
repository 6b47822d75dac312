"""Local contacts: the partnership keeps its own front door, LADO, SARC ... as snippets that
go through two-person approval, and chapters show the live ones through a block instead of
naming a local service in their prose."""

import io
import re

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import Page, Site

from cms.local_contacts import KINDS
from cms.models import ChapterPage, LocalContact, ToolkitIndexPage
from cms.models.local_contacts import NOT_SET_MESSAGE
from cms.roles import CONTENT_APPROVERS, CONTENT_EDITORS
from tests.workflow_helpers import make_staff, workflow_action_url

pytestmark = pytest.mark.django_db

_serial = iter(range(1, 10_000))


def site():
    return Site.objects.get(is_default_site=True)


def clear_contacts():
    """The shared test database holds seed_demo's contacts: start from none (rolled back)."""
    LocalContact.objects.all().delete()


def set_contact(kind, live=True, **values):
    """A contact as an approver's publishing leaves it (live), or one never approved."""
    values = {"name": "Test Borough LADO", "phone": "01632 960 333", **values}
    return LocalContact.objects.create(site=site(), kind=kind, live=live, **values)


def chapter_with(*blocks):
    """Publish a chapter whose one section holds the given `local_contacts` block values."""
    toolkit = ToolkitIndexPage.objects.get()
    chapter = ChapterPage(
        title="Who to contact",
        slug=f"local-contacts-test-{next(_serial)}",
        introduction="A chapter made by a test.",
        source="Test source",
        key_messages=[("message", "A key message.")],
        body=[
            ("section", {"heading": "Contacts", "content": [("local_contacts", value) for value in blocks]})
        ],
    )
    toolkit.add_child(instance=chapter)
    chapter.save_revision().publish()
    return Page.objects.get(pk=chapter.pk).specific


def soup_of(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def main_text(client, url):
    """The page's own text, without the admin's "submitted for moderation" flash message."""
    soup = soup_of(client, url)
    for message in soup.select(".messages"):
        message.decompose()
    return soup.select_one("main").get_text(" ", strip=True)


def tel_links(soup):
    return [a["href"] for a in soup.select("main a[href^='tel:']")]


# The block on a chapter


def test_an_unset_contact_shows_the_message_and_no_phone_link(client):
    clear_contacts()
    chapter = chapter_with({"heading": "Who to contact here", "items": ["lado", "sarc"]})
    soup = soup_of(client, chapter.url)
    block = soup.select_one(".local-contacts")
    assert block.find("h3").get_text() == "Who to contact here"
    assert [h.name for h in block.select(".local-contact__kind")] == ["h4", "h4"]
    assert [h.get_text() for h in block.select(".local-contact__kind")] == [KINDS["lado"], KINDS["sarc"]]
    assert [p.get_text() for p in block.select(".local-contact__unset")] == [NOT_SET_MESSAGE] * 2
    assert tel_links(soup) == []
    assert not block.select("dl")  # no empty box


def test_a_set_contact_shows_its_details_with_a_phone_link(client):
    clear_contacts()
    set_contact(
        "lado",
        name="Test Borough LADO",
        description="Allegations about adults who work with children.",
        phone="01632 960 333",
        url="https://example.org/lado/",
        email="lado@example.org",
        hours="Monday to Friday, 9am to 5pm",
    )
    chapter = chapter_with({"heading": "", "items": ["sarc", "lado"]})
    soup = soup_of(client, chapter.url)
    block = soup.select_one(".local-contacts")
    # In the block's order; no heading of its own, so the kinds are h3 under the section's h2.
    assert [h.name for h in block.select(".local-contact__kind")] == ["h3", "h3"]
    assert [h.get_text() for h in block.select(".local-contact__kind")] == [KINDS["sarc"], KINDS["lado"]]
    assert tel_links(soup) == ["tel:01632960333"]
    text = block.get_text(" ", strip=True)
    for value in ["Test Borough LADO", "01632 960 333", "example.org/lado", "lado@example.org", "9am to 5pm"]:
        assert value in text
    assert block.select_one("a[href='https://example.org/lado/']")
    assert block.select_one("a[href='mailto:lado@example.org']")
    assert [p.get_text() for p in block.select(".local-contact__unset")] == [NOT_SET_MESSAGE]  # the SARC


def test_a_contact_never_approved_is_not_set_for_staff(client):
    clear_contacts()
    set_contact("lado", live=False, name="Draft LADO", phone="01632 960 444")
    chapter = chapter_with({"heading": "", "items": ["lado"]})
    soup = soup_of(client, chapter.url)
    assert "Draft LADO" not in soup.get_text()
    assert tel_links(soup) == []
    assert [p.get_text() for p in soup.select(".local-contact__unset")] == [NOT_SET_MESSAGE]


def test_a_live_contact_with_a_draft_waiting_shows_the_live_version(client):
    clear_contacts()
    contact = set_contact("lado", name="Approved LADO", phone="01632 960 333")
    contact.name, contact.phone = "Unapproved LADO", "01632 960 999"
    contact.save_revision()  # a draft: the row keeps the published version
    soup = soup_of(client, chapter_with({"heading": "", "items": ["lado"]}).url)
    text = soup.select_one(".local-contacts").get_text(" ", strip=True)
    assert "Approved LADO" in text and "Unapproved" not in text
    assert tel_links(soup) == ["tel:01632960333"]


def test_another_sites_contact_is_not_shown(client):
    clear_contacts()
    other_root = Page.objects.get(depth=1).add_child(title="Other site root", slug="other-site-root")
    other = Site.objects.create(hostname="other.example.org", root_page=other_root, site_name="Other")
    LocalContact.objects.create(site=other, kind="lado", live=True, name="Other LADO", phone="01632 960 555")
    soup = soup_of(client, reverse("local_contacts"))
    assert "Other LADO" not in soup.get_text()
    assert tel_links(soup) == []


def test_two_blocks_cost_no_more_queries_than_one(client):
    one = chapter_with({"heading": "Contacts", "items": ["front_door", "lado"]})
    two = chapter_with(
        {"heading": "Contacts", "items": ["front_door", "lado"]},
        {"heading": "More contacts", "items": ["sarc", "police_non_emergency", "out_of_hours"]},
    )

    def queries(url):
        client.get(url)  # warm what is cached across requests
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    assert queries(one.url) == queries(two.url)


def test_the_contacts_are_read_in_one_query_per_request(client):
    chapter = chapter_with(
        {"heading": "Contacts", "items": ["front_door"]},
        {"heading": "More contacts", "items": ["lado"]},
    )
    client.get(chapter.url)
    with CaptureQueriesContext(connection) as captured:
        client.get(chapter.url)
    assert sum("cms_localcontact" in q["sql"] for q in captured.captured_queries) == 1


# The Local contacts page


def test_the_page_lists_every_kind_with_the_demo_contacts(client):
    soup = soup_of(client, reverse("local_contacts"))
    assert soup.find("h1").get_text() == "Local contacts"  # seed_demo published every kind
    assert "Your partnership keeps these contacts up to date" in soup.select_one("main").get_text()
    assert [h.get_text() for h in soup.select("main h2.local-contact__kind")] == list(KINDS.values())
    assert len(tel_links(soup)) == len(KINDS)
    assert not soup.select(".local-contact__unset")


def test_the_page_says_which_kinds_are_not_set(client):
    clear_contacts()
    set_contact("front_door", name="Test Front Door", phone="01632 960 111")
    soup = soup_of(client, reverse("local_contacts"))
    assert [h.get_text() for h in soup.select("main h2.local-contact__kind")] == list(KINDS.values())
    assert tel_links(soup) == ["tel:01632960111"]
    assert [p.get_text() for p in soup.select(".local-contact__unset")] == [NOT_SET_MESSAGE] * (
        len(KINDS) - 1
    )


def test_the_footer_links_to_the_page(client):
    soup = soup_of(client, "/")
    assert soup.select_one(f"footer a[href='{reverse('local_contacts')}']")


# The admin: the dashboard panel and the listing


def admin_home(client, username):
    client.force_login(get_user_model().objects.get(username=username))
    return client.get(reverse("wagtailadmin_home")).content.decode()


def listing_url():
    return reverse("wagtailsnippets_cms_localcontact:list")


def add_url():
    return reverse("wagtailsnippets_cms_localcontact:add")


@pytest.mark.parametrize("username", ["admin@example.org", "editor@example.org"])
def test_the_admin_home_lists_the_kinds_not_yet_set(client, username):
    clear_contacts()
    html = admin_home(client, username)
    assert "Local contacts not yet set: " + ", ".join(KINDS.values()) in html.replace("&#x27;", "'")
    set_contact("lado")
    set_contact("sarc", live=False)  # waiting for approval: still not set for staff
    html = admin_home(client, username).replace("&#x27;", "'")
    unset = [label for code, label in KINDS.items() if code != "lado"]
    assert "Local contacts not yet set: " + ", ".join(unset) + "." in html
    assert KINDS["lado"] not in html
    panel = BeautifulSoup(html, "html.parser").select_one(
        "#local-contacts-unset-content, #local-contacts-unset"
    )
    hrefs = {a["href"] for a in panel.find_parent("section").select("a")} if panel else set()
    assert {add_url(), listing_url()} <= hrefs


def test_the_admin_home_says_nothing_once_every_kind_is_set(client):
    # seed_demo published them all
    assert "Local contacts not yet set" not in admin_home(client, "admin@example.org")


def test_local_contacts_are_in_the_toolkit_menu(client):
    html = admin_home(client, "editor@example.org")
    assert listing_url() in html


def test_the_listing_shows_each_contact_and_heads_with_what_is_unset(client):
    clear_contacts()
    set_contact("sarc", name="Test SARC", phone="01632 960 777")
    LocalContact.objects.filter(kind="sarc").update(last_reviewed="2026-03-03")
    set_contact("lado", live=False, name="Draft LADO")
    client.force_login(get_user_model().objects.get(username="editor@example.org"))
    response = client.get(listing_url())
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    headings = [th.get_text(" ", strip=True) for th in soup.select("table.listing thead th")]
    for heading in ["Kind", "Name or service", "Site", "Telephone", "Status", "Last reviewed"]:
        assert heading in headings, headings
    rows = {
        tr.select_one("td a").get_text(strip=True): tr.get_text(" ", strip=True)
        for tr in soup.select("table.listing tbody tr")
        if tr.select_one("td a")
    }
    assert "Test SARC" in rows and "Draft LADO" in rows, rows
    assert KINDS["sarc"] in rows["Test SARC"]
    assert "01632 960 777" in rows["Test SARC"]
    assert "3 March 2026" in rows["Test SARC"]
    assert "live" in rows["Test SARC"].split() and "draft" in rows["Draft LADO"].split()
    notice = soup.select_one(".local-contacts-unset").get_text(" ", strip=True)
    # The draft LADO is not yet live, so it is still "not set".
    unset = [label for code, label in KINDS.items() if code != "sarc"]
    assert f"Not yet set ({len(KINDS) - 1}): " + ", ".join(unset) + "." in notice


# The admin: adding and changing a contact, through approval


def contact_form(**values):
    return {
        "site": str(site().pk),
        "kind": "lado",
        "name": "Test Borough LADO",
        "description": "",
        "phone": "01632 960 333",
        "url": "https://example.org/lado/",
        "email": "lado@example.org",
        "hours": "",
        "review_interval_months": "6",
        **values,
    }


def test_the_add_screen_starts_on_the_default_site(client):
    client.force_login(get_user_model().objects.get(username="editor@example.org"))
    soup = soup_of(client, add_url())
    assert soup.select_one("select[name='site'] option[selected]")["value"] == str(site().pk)


def test_an_editors_new_contact_reaches_staff_only_once_a_second_person_approves(client):
    clear_contacts()
    editor = make_staff(CONTENT_EDITORS)
    client.force_login(editor)
    response = client.post(add_url(), {**contact_form(name="Editor's LADO"), "action-submit": "submit"})
    assert response.status_code == 302, response.content[:3000]
    contact = LocalContact.objects.get()
    assert (contact.live, contact.kind, contact.review_interval_months) == (False, "lado", 6)
    assert contact.current_workflow_state is not None
    assert "Editor's LADO" not in main_text(client, reverse("local_contacts"))

    # The editor has no approve action on her own change.
    assert client.post(workflow_action_url(contact), {"comment": ""}).status_code in (302, 403)
    contact.refresh_from_db()
    assert not contact.live

    client.force_login(make_staff(CONTENT_APPROVERS))
    response = client.post(workflow_action_url(contact), {"comment": ""})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.live
    soup = soup_of(client, reverse("local_contacts"))
    assert "Editor's LADO" in soup.get_text()
    assert tel_links(soup) == ["tel:01632960333"]


def test_a_rejected_change_leaves_the_live_contact_alone(client):
    clear_contacts()
    contact = set_contact("lado", name="Approved LADO")
    editor = make_staff(CONTENT_EDITORS)
    client.force_login(editor)
    edit_url = reverse("wagtailsnippets_cms_localcontact:edit", args=[contact.pk])
    response = client.post(edit_url, {**contact_form(name="Changed LADO"), "action-submit": "submit"})
    assert response.status_code == 302, response.content[:3000]
    contact.refresh_from_db()
    client.force_login(make_staff(CONTENT_APPROVERS))
    response = client.post(workflow_action_url(contact, "reject"), {"comment": "Wrong number."})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert (contact.live, contact.name) == (True, "Approved LADO")
    assert "Changed LADO" not in main_text(client, reverse("local_contacts"))


@pytest.mark.parametrize(
    "bad",
    [
        {"url": "http://example.org/lado/"},
        {"url": "ftp://example.org/lado/"},
        {"phone": "01632 LADO 33"},
        {"phone": "call 01632 960 333"},
        {"phone": "12"},
        {"phone": "", "url": "", "email": ""},  # no way to get in touch
        {"kind": "not_a_kind"},
        {"site": "999999"},
        {"review_interval_months": "0"},
    ],
)
@pytest.mark.parametrize("action", [{}, {"action-submit": "submit"}])  # a draft, or sent for approval
def test_bad_input_is_refused_and_nothing_is_saved(client, bad, action):
    clear_contacts()
    client.force_login(get_user_model().objects.get(username="editor@example.org"))
    response = client.post(add_url(), {**contact_form(**bad), **action})
    assert response.status_code == 200
    assert "error" in response.content.decode().lower()
    assert not LocalContact.objects.exists()


@pytest.mark.parametrize("live", [True, False])
@pytest.mark.parametrize("action", [{}, {"action-submit": "submit"}])
def test_a_second_contact_of_a_kind_is_refused_with_a_link_to_the_first(client, live, action):
    """Two editors may open the add screen at once: the second to save is told to change the
    contact the first made (approved or not), not shown a server error."""
    clear_contacts()
    first = set_contact("lado", live=live, name="Saved first")
    client.force_login(get_user_model().objects.get(username="editor@example.org"))
    response = client.post(add_url(), {**contact_form(name="Saved second"), **action})
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    text = soup.get_text(" ", strip=True).replace("&#x27;", "'")
    assert f"There is already a {KINDS['lado']} contact for this site: change that one" in text
    edit_url = reverse("wagtailsnippets_cms_localcontact:edit", args=[first.pk])
    assert soup.select_one(f"a[href='{edit_url}']").get_text() == "Saved first"
    assert list(LocalContact.objects.values_list("kind", "name")) == [("lado", "Saved first")]


def test_a_contact_can_be_changed_without_tripping_over_itself(client):
    clear_contacts()
    contact = set_contact("lado", name="Saved first")
    client.force_login(get_user_model().objects.get(username="admin@example.org"))
    edit_url = reverse("wagtailsnippets_cms_localcontact:edit", args=[contact.pk])
    response = client.post(edit_url, {**contact_form(name="Renamed"), "action-publish": "publish"})
    assert response.status_code == 302, response.content[:3000]
    assert list(LocalContact.objects.values_list("name", "live")) == [("Renamed", True)]


def test_the_same_kind_on_another_site_is_allowed():
    clear_contacts()
    set_contact("lado")
    other_root = Page.objects.get(depth=1).add_child(title="Other site root", slug="other-site-root")
    other = Site.objects.create(hostname="other.example.org", root_page=other_root, site_name="Other")
    contact = LocalContact(site=other, kind="lado", name="Other LADO", phone="01632 960 555")
    contact.full_clean()
    contact.save()
    assert LocalContact.objects.filter(kind="lado").count() == 2


# Production and demo data


def test_load_content_sets_no_local_contacts():
    clear_contacts()
    call_command("load_content", stdout=io.StringIO())
    assert not LocalContact.objects.exists()


def test_seed_demo_values_are_plainly_fictional_and_published():
    clear_contacts()
    set_contact("lado", name="Our real LADO", phone="01234 567 890")
    call_command("seed_demo", extra_learners=0, stdout=io.StringIO())
    contacts = {c.kind: c for c in LocalContact.objects.filter(site=site())}
    assert set(contacts) == set(KINDS)
    assert contacts["lado"].name == "Our real LADO"  # what an editor entered stays
    for kind, contact in contacts.items():
        assert contact.live
        if kind == "lado":
            continue
        assert contact.live_revision_id is not None
        assert contact.phone.startswith("01632 960"), contact.phone  # Ofcom's drama range
        assert "(demo)" in contact.name
        assert not contact.url or re.match(r"https://example\.org/", contact.url)
        assert not contact.email or contact.email.endswith("@example.org")
