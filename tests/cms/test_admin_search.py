"""Editors search every snippet listing in the admin, on SQLite and PostgreSQL alike.

Each search looks for a word put into one item only, so a passing test shows the search
finds that item and leaves the others out, not just that the page renders."""

from django.contrib.auth import get_user_model
from django.test import TestCase
from django.urls import reverse
from wagtail.snippets.models import get_snippet_models
from wagtail.test.utils import WagtailTestUtils

from cms.models import Agency, Helpline, Resource


class SnippetSearchTestCase(WagtailTestUtils, TestCase):
    def setUp(self):
        self.client.force_login(get_user_model().objects.get(username="editor@example.org"))

    def found(self, url_name, query, **filters):
        response = self.client.get(reverse(url_name), {"q": query, **filters})
        self.assertEqual(response.status_code, 200)
        return list(response.context["paginator"].object_list)


class EverySnippetListingTests(SnippetSearchTestCase):
    def test_every_snippet_listing_searches_sorted_by_each_column(self):
        """Sorting the results by a column is what editors do next, and it needs the
        column indexed as a filter field."""
        self.client.force_login(get_user_model().objects.get(username="admin@example.org"))
        for model in get_snippet_models():
            index_url = model.snippet_viewset.get_url_name("list")
            response = self.client.get(reverse(index_url), {"q": "child"})
            self.assertEqual(response.status_code, 200, model)
            for column in response.context["view"].columns:
                if column.sort_key:
                    for ordering in (column.sort_key, f"-{column.sort_key}"):
                        response = self.client.get(reverse(index_url), {"q": "child", "ordering": ordering})
                        self.assertEqual(response.status_code, 200, (model, ordering))


class ToolkitSnippetSearchTests(SnippetSearchTestCase):
    def test_resources_are_found_by_title_provider_and_description(self):
        resource = Resource.objects.create(
            key="quokka-guide",
            title="Quokka guide to disclosures",
            provider="Wombatshire Council",
            description="Explains the numbatry procedure.",
        )
        for query in ("Quokka", "Wombatshire", "numbatry", "quok"):
            self.assertEqual(self.found("wagtailsnippets_cms_resource:list", query), [resource], query)
        self.assertEqual(
            self.found("wagtailsnippets_cms_resource:list", "quokka", paid_membership="false"), [resource]
        )
        self.assertEqual(
            self.found("wagtailsnippets_cms_resource:list", "quokka", paid_membership="true"), []
        )

    def test_searching_a_provider_finds_its_resources_and_no_others(self):
        found = self.found("wagtailsnippets_cms_resource:list", "NSPCC")
        self.assertTrue(found)
        self.assertEqual(
            set(found),
            set(
                Resource.objects.filter(provider="NSPCC")
                | Resource.objects.filter(title__icontains="NSPCC")
                | Resource.objects.filter(description__icontains="NSPCC")
            ),
        )

    def test_resources_found_within_an_agency(self):
        health, police = Agency.objects.get(code="health"), Agency.objects.get(code="police")
        resource = Resource.objects.create(key="quokka-guide", title="Quokka guide")
        resource.agencies.set([health])
        resource.save()
        self.assertEqual(
            self.found("wagtailsnippets_cms_resource:list", "quokka", agency=health.code), [resource]
        )
        self.assertEqual(self.found("wagtailsnippets_cms_resource:list", "quokka", agency=police.code), [])

    def test_helplines_are_found_by_name_and_description(self):
        helpline = Helpline.objects.create(
            key="quokka-line",
            name="Quokkaline",
            number="0800 000 000",
            description="For wombatshire families.",
        )
        self.assertEqual(self.found("wagtailsnippets_cms_helpline:list", "Quokkaline"), [helpline])
        self.assertEqual(self.found("wagtailsnippets_cms_helpline:list", "wombatshire"), [helpline])
        self.assertEqual(
            self.found("wagtailsnippets_cms_helpline:list", "NSPCC"),
            [Helpline.objects.get(name="NSPCC Helpline")],
        )

    def test_agencies_are_found_by_name(self):
        self.client.force_login(get_user_model().objects.get(username="admin@example.org"))
        self.assertEqual(
            self.found("wagtailsnippets_cms_agency:list", "Probation"),
            list(Agency.objects.filter(code="probation")),
        )
