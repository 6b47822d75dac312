"""The public toolkit: page tree rules, every shipped chapter, and how chapters render."""

from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from cms.models import ChapterPage, Helpline, HomePage, Resource, ToolkitIndexPage
from content_fixtures.management.commands.seed_demo import DEMO_BROKEN_RESOURCE

DATA = Path(__file__).resolve().parents[2] / "content_fixtures" / "data"
CHAPTER_FILES = sorted((DATA / "chapters").glob("*.yaml"))


def chapter_data(slug):
    for path in CHAPTER_FILES:
        data = yaml.safe_load(path.read_text())
        if data["slug"] == slug:
            return data
    raise LookupError(slug)


class PageTreeRulesTests(WagtailPageTestCase):
    def test_home_lives_only_at_the_root(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})
        root = Page.get_first_root_node()
        self.assertCanCreateAt(Page, HomePage)
        self.assertCanNotCreateAt(ToolkitIndexPage, HomePage)
        self.assertCanNotCreateAt(ChapterPage, HomePage)
        self.assertFalse(HomePage.can_create_at(root))  # max_count 1: the shipped home exists

    def test_toolkit_lives_under_home_and_holds_only_chapters(self):
        self.assertAllowedParentPageTypes(ToolkitIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(ToolkitIndexPage, {ChapterPage})
        self.assertCanNotCreateAt(HomePage, ChapterPage)

    def test_chapters_live_under_the_toolkit_and_have_no_children(self):
        self.assertAllowedParentPageTypes(ChapterPage, {ToolkitIndexPage})
        self.assertAllowedSubpageTypes(ChapterPage, set())
        self.assertCanCreateAt(ToolkitIndexPage, ChapterPage)
        self.assertCanNotCreateAt(ChapterPage, ChapterPage)


class ShippedChaptersTests(WagtailPageTestCase):
    def test_every_chapter_file_is_published_routable_and_renderable(self):
        self.assertGreaterEqual(len(CHAPTER_FILES), 23)
        for path in CHAPTER_FILES:
            data = yaml.safe_load(path.read_text())
            with self.subTest(chapter=data["slug"]):
                page = ChapterPage.objects.live().get(slug=data["slug"])
                self.assertEqual(page.title, data["title"])
                self.assertPageIsRoutable(page)
                self.assertPageIsRenderable(page)

    def test_toolkit_lists_chapters_in_their_file_order(self):
        response = self.client.get("/toolkit/")
        soup = BeautifulSoup(response.content, "html.parser")
        listed = [a["href"] for a in soup.select(".chapter-list__title a")]
        expected = [f"/toolkit/{yaml.safe_load(p.read_text())['slug']}/" for p in CHAPTER_FILES]
        self.assertEqual(listed, expected)

    def test_the_brief_chapters_are_all_there(self):
        slugs = set(ChapterPage.objects.live().values_list("slug", flat=True))
        for slug in [
            "introduction",
            "definitions",
            "trauma",
            "identifying-signs",
            "working-with-children",
            "sexual-behaviour-and-hsb",
            "protection-procedures",
            "referral-pathway",
            "risk-assessment-and-protective-adults",
            "support-for-parents",
            "supervision-and-support",
            "tools-for-intervention",
            "disabilities-and-communication",
            "healthy-relationships",
            "multi-agency-working",
            "safety-planning",
            "victims-and-survivors",
            "people-who-pose-a-risk",
            "what-children-say",
            "culture-faith-and-race",
            "child-sexual-exploitation",
            "prevention-and-pants",
            "indicators",
        ]:
            self.assertIn(slug, slugs)


class ChapterRenderingTests(WagtailPageTestCase):
    def soup(self, url):
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return BeautifulSoup(response.content, "html.parser")

    def test_chapter_shows_introduction_key_messages_sections_and_source(self):
        data = chapter_data("protection-procedures")
        soup = self.soup("/toolkit/protection-procedures/")
        self.assertEqual(soup.h1.get_text(strip=True), data["title"])
        self.assertIn(data["introduction"][:60], soup.select_one(".lead").get_text())
        messages = [li.get_text(strip=True) for li in soup.select(".key-messages li")]
        self.assertEqual(messages, [m.strip() for m in data["key_messages"]])
        headings = [h.get_text(strip=True) for h in soup.select("section.section > h2")]
        self.assertEqual(headings, [s["heading"] for s in data["sections"]])
        contents = [a["href"] for a in soup.select(".contents a")]
        self.assertEqual(contents, [f"#section-{n}" for n in range(1, len(headings) + 1)])
        self.assertEqual(soup.select_one(".source").get_text(" ", strip=True), f"Source: {data['source']}")

    def test_headings_never_skip_a_level(self):
        for slug in ChapterPage.objects.values_list("slug", flat=True):
            soup = self.soup(f"/toolkit/{slug}/")
            levels = [int(h.name[1]) for h in soup.select("main h1, main h2, main h3, main h4")]
            with self.subTest(chapter=slug):
                self.assertEqual(levels[0], 1)
                for before, after in zip(levels, levels[1:], strict=False):
                    self.assertLessEqual(after, before + 1, f"h{before} then h{after}")

    def test_resources_show_provider_paid_marker_and_an_external_same_tab_link(self):
        paid = Resource.objects.filter(paid_membership=True).first()
        free = Resource.objects.filter(paid_membership=False).exclude(url="").first()
        from tests.factories import make_chapter

        chapter = make_chapter("Resource rendering", resources=[paid, free])
        soup = self.soup(chapter.url)
        items = soup.select(".resource")
        self.assertEqual(len(items), 2)
        paid_item, free_item = items
        self.assertIn("Requires paid membership", paid_item.get_text())
        self.assertNotIn("Requires paid membership", free_item.get_text())
        link = free_item.select_one(".resource__title a")
        self.assertEqual(link["href"], free.url)
        self.assertIsNone(link.get("target"))  # opens in the same tab
        self.assertIn("external", link["rel"])
        self.assertIn(f"external website: {free.domain}", link.get_text())
        self.assertIn(free.provider, free_item.get_text())

    def test_every_shipped_resource_and_helpline_is_listed_on_some_chapter(self):
        listed_resources, listed_helplines = set(), set()
        for chapter in ChapterPage.objects.live():
            for section in chapter.body:
                for block in section.value["content"]:
                    if block.block_type == "resources":
                        listed_resources |= {r.pk for r in block.value["items"]}
                    if block.block_type == "helplines":
                        listed_helplines |= {h.pk for h in block.value["items"]}
        shipped = Resource.objects.exclude(key=DEMO_BROKEN_RESOURCE["key"])  # seed_demo's, on no chapter
        self.assertEqual(set(shipped.values_list("pk", flat=True)) - listed_resources, set())
        self.assertEqual(set(Helpline.objects.values_list("pk", flat=True)) - listed_helplines, set())

    def test_helplines_have_the_numbers_the_organisations_publish(self):
        # Checked by the product team on 30 November 2026; Mind's old number was SANEline's,
        # and Rape Crisis replaced 0808 802 9999 with its 24/7 Support Line in 2022.
        numbers = dict(Helpline.objects.values_list("key", "number"))
        self.assertEqual(
            numbers,
            {
                "childline": "0800 1111",
                "nspcc": "0808 800 5000",
                "rape-crisis": "0808 500 2222",
                "victim-support": "0808 168 9111",
                "survivors-trust": "0808 801 0818",
                "mens-advice-line": "0808 801 0327",
                "mankind": "01823 334244",
                "galop": "0800 999 5428",
                "mind": "0300 123 3393",
                "samaritans": "116 123",
                "stop-it-now": "0808 1000 900",
            },
        )
        soup = self.soup("/toolkit/victims-and-survivors/")
        link = soup.find("a", string="0800 1111")
        self.assertEqual(link["href"], "tel:08001111")

    def test_each_helpline_card_says_when_its_number_was_checked(self):
        soup = self.soup("/toolkit/victims-and-survivors/")
        cards = soup.select(".helpline")
        names = {
            card.select_one(".helpline__name").get_text(strip=True).removesuffix("(external website)")
            for card in cards
        }
        self.assertEqual(names, set(Helpline.objects.values_list("name", flat=True)))
        for card in cards:
            with self.subTest(helpline=card.select_one(".helpline__name").get_text(strip=True)):
                self.assertEqual(
                    card.select_one(".helpline__checked").get_text(strip=True),
                    "Number checked on 30 November 2026",
                )

    def test_the_referral_pathway_holds_the_strategy_discussion_before_the_statutory_assessment(self):
        # Working Together 2023: where there is reasonable cause to suspect significant harm, the
        # strategy discussion comes first and the assessment is part of the section 47 enquiry.
        soup = self.soup("/toolkit/referral-pathway/")
        titles = [t.find(string=True, recursive=False).strip() for t in soup.select(".steps__title")]
        self.assertLess(titles.index("Strategy discussion"), titles.index("Statutory assessment"))

    def test_referral_pathway_is_ordered_steps_with_who_what_and_when(self):
        soup = self.soup("/toolkit/referral-pathway/")
        step_lists = soup.select("ol.steps__list")
        self.assertGreaterEqual(len(step_lists), 2)  # before and after a referral
        self.assertFalse(soup.select("main img"))
        text = soup.get_text(" ")
        for fact in ["24 hours", "15 working days", "section 47"]:
            self.assertIn(fact, text)
        for step in soup.select(".steps__step"):
            terms = [dt.get_text() for dt in step.select("dt")]
            self.assertEqual(terms[:2], ["Who", "What"])

    def test_partnership_name_and_logo_come_from_site_settings(self):
        from wagtail.images.models import Image
        from wagtail.images.tests.utils import get_test_image_file
        from wagtail.models import Site

        from cms.models import PartnershipSettings

        settings = PartnershipSettings.for_site(Site.objects.get(is_default_site=True))
        settings.name = "Northshire Safeguarding Children Partnership"
        settings.logo = Image.objects.create(title="Logo", file=get_test_image_file())
        settings.save()
        soup = self.soup("/toolkit/trauma/")
        self.assertIn(
            "Northshire Safeguarding Children Partnership", soup.select_one(".site-header").get_text()
        )
        logo = soup.select_one(".site-header__logo")
        self.assertEqual(logo["alt"], "")
        self.assertTrue(logo["src"].startswith("/media/"))

    def test_home_links_to_the_toolkit(self):
        soup = self.soup("/")
        self.assertTrue(soup.select_one('main a[href="/toolkit/"]'))
        self.assertTrue(soup.select_one("a.skip-link[href='#main']"))


@pytest.mark.django_db
def test_printable_chapter_has_a_print_stylesheet(client):
    from django.contrib.staticfiles import finders

    css = Path(finders.find("cms/css/site.css")).read_text()
    assert "@media print" in css
    assert ".site-nav" in css.split("@media print", 1)[1]
