"""Local contacts: the partnership keeps its own front door, LADO, SARC ... in settings, and
chapters show them through a block instead of naming a local service in their prose."""

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
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from cms.local_contacts import KINDS
from cms.models import ChapterPage, LocalContact, LocalContacts, ToolkitIndexPage
from cms.models.local_contacts import NOT_SET_MESSAGE

pytestmark = pytest.mark.django_db

_serial = iter(range(1, 10_000))


def site():
    return Site.objects.get(is_default_site=True)


def clear_contacts():
    """The shared test database holds seed_demo's contacts: start from none (rolled back)."""
    LocalContact.objects.all().delete()


def set_contact(kind, **values):
    setting = LocalContacts.for_site(site())
    values = {"name": "Test Borough LADO", "phone": "01632 960 333", **values}
    return LocalContact.objects.create(setting=setting, kind=kind, **values)


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
    assert soup.find("h1").get_text() == "Local contacts"
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


# The admin


def admin_home(client, username):
    client.force_login(get_user_model().objects.get(username=username))
    return client.get(reverse("wagtailadmin_home")).content.decode()


@pytest.mark.parametrize("username", ["admin@example.org", "editor@example.org"])
def test_the_admin_home_lists_the_kinds_not_yet_set(client, username):
    clear_contacts()
    html = admin_home(client, username)
    assert "Local contacts not yet set: " + ", ".join(KINDS.values()) in html.replace("&#x27;", "'")
    set_contact("lado")
    html = admin_home(client, username).replace("&#x27;", "'")
    unset = [label for code, label in KINDS.items() if code != "lado"]
    assert "Local contacts not yet set: " + ", ".join(unset) + "." in html
    assert KINDS["lado"] not in html


def test_the_admin_home_says_nothing_once_every_kind_is_set(client):
    # seed_demo set them all
    assert "Local contacts not yet set" not in admin_home(client, "admin@example.org")


def settings_url():
    return reverse("wagtailsettings:edit", args=["cms", "localcontacts", site().pk])


def test_the_settings_screen_heads_with_what_is_unset(client):
    clear_contacts()
    set_contact("sarc", name="Test SARC")
    client.force_login(get_user_model().objects.get(username="admin@example.org"))
    response = client.get(settings_url())
    assert response.status_code == 200
    text = BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)
    assert f"Not yet set ({len(KINDS) - 1}):" in text
    assert ", ".join(label for code, label in KINDS.items() if code != "sarc") in text


def contact_form(**values):
    return {
        "kind": "lado",
        "name": "Test Borough LADO",
        "description": "",
        "phone": "01632 960 333",
        "url": "https://example.org/lado/",
        "email": "lado@example.org",
        "hours": "",
        **values,
    }


def post_contacts(client, *forms, username="admin@example.org"):
    client.force_login(get_user_model().objects.get(username=username))
    return client.post(settings_url(), nested_form_data({"contacts": inline_formset(list(forms))}))


def test_an_editor_of_settings_saves_a_contact(client):
    clear_contacts()
    response = post_contacts(client, contact_form())
    assert response.status_code == 302, response.content[:3000]
    contact = LocalContact.objects.get()
    assert (contact.kind, contact.phone, contact.url) == (
        "lado",
        "01632 960 333",
        "https://example.org/lado/",
    )


def test_a_content_editor_keeps_the_local_contacts_but_no_other_setting(client):
    clear_contacts()
    response = post_contacts(client, contact_form(name="Editor's LADO"), username="editor@example.org")
    assert response.status_code == 302
    assert LocalContact.objects.get().name == "Editor's LADO"
    partnership = reverse("wagtailsettings:edit", args=["cms", "partnershipsettings", site().pk])
    assert client.get(partnership).status_code in (302, 403)


@pytest.mark.parametrize(
    "bad",
    [
        {"url": "http://example.org/lado/"},
        {"url": "ftp://example.org/lado/"},
        {"phone": "01632 LADO 33"},
        {"phone": "call 01632 960 333"},
        {"phone": "12"},
        {"phone": "", "url": "", "email": ""},  # no way to get in touch
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(client, bad):
    clear_contacts()
    response = post_contacts(client, contact_form(**bad))
    assert response.status_code == 200
    assert "error" in response.content.decode().lower()
    assert not LocalContact.objects.exists()


def test_a_page_opened_before_another_editor_saved_the_same_kind_is_refused(client):
    clear_contacts()
    set_contact("lado", name="Saved first")
    response = post_contacts(client, contact_form(name="Saved second"))  # a stale page: no row for it
    assert response.status_code == 200
    assert "after you opened this page" in response.content.decode()
    assert list(LocalContact.objects.values_list("kind", "name")) == [("lado", "Saved first")]


def test_a_kind_can_be_set_only_once(client):
    clear_contacts()
    response = post_contacts(client, contact_form(), contact_form(name="Another LADO"))
    assert response.status_code == 200
    assert not LocalContact.objects.exists()


# Production and demo data


def test_the_migration_only_creates_tables():
    """A fresh `migrate` leaves every contact unset: the migration writes no data."""
    from importlib import import_module

    from django.db.migrations import CreateModel

    migration = import_module("cms.migrations.0005_local_contacts").Migration
    assert all(isinstance(op, CreateModel) for op in migration.operations)


def test_load_content_sets_no_local_contacts():
    LocalContacts.objects.all().delete()
    call_command("load_content", stdout=io.StringIO())
    assert not LocalContact.objects.exists()
    assert all(not s.contacts.exists() for s in LocalContacts.objects.all())


def test_seed_demo_values_are_plainly_fictional():
    clear_contacts()
    set_contact("lado", name="Our real LADO", phone="01234 567 890")
    call_command("seed_demo", extra_learners=0, stdout=io.StringIO())
    contacts = {c.kind: c for c in LocalContact.objects.filter(setting__site=site())}
    assert set(contacts) == set(KINDS)
    assert contacts["lado"].name == "Our real LADO"  # what an editor entered stays
    for kind, contact in contacts.items():
        if kind == "lado":
            continue
        assert contact.phone.startswith("01632 960"), contact.phone  # Ofcom's drama range
        assert "(demo)" in contact.name
        assert not contact.url or re.match(r"https://example\.org/", contact.url)
        assert not contact.email or contact.email.endswith("@example.org")
