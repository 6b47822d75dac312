"""Content editors keep the toolkit current in Wagtail's admin."""

from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from cms.models import ChapterPage, Helpline, Resource
from tests.factories import make_chapter
from tests.workflow_helpers import approve_change


class EditorTests(WagtailPageTestCase):
    def setUp(self):
        self.editor = get_user_model().objects.get(username="editor@example.org")
        self.client.force_login(self.editor)

    def test_editor_is_not_a_superuser_but_can_open_the_admin(self):
        self.assertFalse(self.editor.is_superuser)
        self.assertEqual(self.client.get("/admin/").status_code, 200)
        self.assertEqual(self.client.get(reverse("wagtailusers_users:index")).status_code, 302)

    def test_editor_edits_a_chapter_which_staff_see_once_a_second_person_approves(self):
        page = ChapterPage.objects.get(slug="trauma")
        data = nested_form_data(
            {
                "title": "Trauma and recovery",
                "slug": page.slug,
                "introduction": "A new introduction.",
                "source": page.source,
                "search_terms": page.search_terms,
                "review_interval_months": 12,
                "key_messages": streamfield([("message", "Trauma responses are automatic.")]),
                "body": streamfield(
                    [
                        (
                            "section",
                            {
                                "heading": "Edited section",
                                "content": streamfield(
                                    [
                                        ("text", rich_text("<p>Edited in the admin.</p>")),
                                        ("callout", {"variant": "key", "heading": "", "text": "Be kind."}),
                                    ]
                                ),
                            },
                        ),
                    ]
                ),
                "action-submit": "submit",
            }
        )
        response = self.client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)
        self.assertEqual(response.status_code, 302, response.content[:2000])
        page.refresh_from_db()
        self.assertNotEqual(page.title, "Trauma and recovery")
        self.assertNotIn("Edited in the admin.", self.client.get(page.url).content.decode())

        approve_change(page)
        page.refresh_from_db()
        self.assertEqual(page.title, "Trauma and recovery")
        html = self.client.get(page.url).content.decode()
        self.assertIn("Edited in the admin.", html)
        self.assertIn("Trauma responses are automatic.", html)
        self.assertIn("Be kind.", html)

    def test_a_resource_edited_once_changes_on_every_chapter(self):
        resource = Resource.objects.exclude(url="").first()
        first = make_chapter("First chapter using it", resources=[resource])
        second = make_chapter("Second chapter using it", resources=[resource])
        url = reverse("wagtailsnippets_cms_resource:edit", args=[resource.pk])
        response = self.client.post(
            url,
            {
                "title": "A better title for this resource",
                "provider": resource.provider,
                "url": "https://example.org/moved-here/",
                "description": resource.description,
                "key": resource.key,
                "review_interval_months": 12,
                "action-submit": "submit",
            },
        )
        self.assertEqual(response.status_code, 302, response.content[:2000])
        resource.refresh_from_db()
        self.assertNotEqual(resource.url, "https://example.org/moved-here/")
        approve_change(resource)
        for chapter in (first, second):
            soup = BeautifulSoup(self.client.get(chapter.url).content, "html.parser")
            link = soup.select_one(".resource__title a")
            self.assertEqual(link["href"], "https://example.org/moved-here/")
            self.assertIn("A better title for this resource", link.get_text())

    def helpline_form(self, helpline, **changes):
        return {
            "name": helpline.name,
            "number": helpline.number,
            "review_interval_months": helpline.review_interval_months,
            "description": helpline.description,
            "url": helpline.url,
            "key": helpline.key,
            **changes,
        }

    def test_an_approved_helpline_change_records_the_approval_as_its_last_check(self):
        helpline = Helpline.objects.get(key="mind")
        url = reverse("wagtailsnippets_cms_helpline:edit", args=[helpline.pk])
        response = self.client.post(
            url, {**self.helpline_form(helpline, name="Mind Infoline (England)"), "action-submit": "submit"}
        )
        self.assertEqual(response.status_code, 302)
        helpline.refresh_from_db()
        self.assertEqual(helpline.name, "Mind Infoline")
        approve_change(helpline)
        helpline.refresh_from_db()
        self.assertEqual(helpline.name, "Mind Infoline (England)")

    def test_a_change_without_a_number_cannot_be_sent_for_approval(self):
        """A draft may be saved unfinished (Wagtail defers required fields for drafts); sending
        it for approval needs every required field."""
        helpline = Helpline.objects.get(key="mind")
        url = reverse("wagtailsnippets_cms_helpline:edit", args=[helpline.pk])
        response = self.client.post(
            url, {**self.helpline_form(helpline, number=""), "action-submit": "submit"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "This field is required")
        helpline.refresh_from_db()
        self.assertEqual(helpline.number, "0300 123 3393")
        self.assertFalse(helpline.has_unpublished_changes)

    def test_the_helpline_listing_shows_when_each_number_was_checked(self):
        response = self.client.get(reverse("wagtailsnippets_cms_helpline:list"))
        self.assertContains(response, "Number last checked")
        self.assertContains(response, "30 November 2026")

    def test_a_bad_resource_edit_shows_errors_and_saves_nothing(self):
        resource = Resource.objects.first()
        url = reverse("wagtailsnippets_cms_resource:edit", args=[resource.pk])
        response = self.client.post(
            url,
            {
                "title": "",
                "url": "javascript:alert(1)",
                "key": "Not A Slug!",
                "provider": "x" * 500,
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "This field is required.")
        self.assertContains(response, "Enter a valid URL.")
        self.assertContains(response, "Enter a valid “slug”")
        resource.refresh_from_db()
        self.assertNotEqual(resource.title, "")

    def test_resource_admin_shows_where_a_resource_is_used(self):
        resource = Resource.objects.get(key="beech-house-sarc")  # a credited Kent example
        response = self.client.get(reverse("wagtailsnippets_cms_resource:usage", args=[resource.pk]))
        self.assertContains(response, "Identifying signs and symptoms")
        self.assertContains(response, "The referral pathway")
