"""Course and lesson pages: tree rules, the shipped courses, and lessons that use the toolkit."""

from pathlib import Path

import yaml
from bs4 import BeautifulSoup
from wagtail.test.utils import WagtailPageTestCase

from cms.models import ChapterPage, HomePage
from courses.models import CourseIndexPage, CoursePage, LessonPage

COURSE_FILES = sorted(
    (Path(__file__).resolve().parents[2] / "content_fixtures" / "data" / "courses").glob("*.yaml")
)


class CourseTreeTests(WagtailPageTestCase):
    def test_creation_rules(self):
        self.assertAllowedParentPageTypes(CourseIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(CourseIndexPage, {CoursePage})
        self.assertAllowedParentPageTypes(CoursePage, {CourseIndexPage})
        self.assertAllowedSubpageTypes(CoursePage, {LessonPage})
        self.assertAllowedParentPageTypes(LessonPage, {CoursePage})
        self.assertAllowedSubpageTypes(LessonPage, set())
        self.assertCanNotCreateAt(ChapterPage, LessonPage)


class ShippedCoursesTests(WagtailPageTestCase):
    def test_core_course_and_ten_agency_modules(self):
        courses = {c.slug: c for c in CoursePage.objects.live()}
        core = courses["core"]
        self.assertEqual(core.title, "Recognising and responding to child sexual abuse")
        self.assertIsNone(core.agency)
        self.assertGreaterEqual(LessonPage.objects.child_of(core).live().count(), 6)
        for code in ["health", "police", "education", "housing", "probation", "yos", "vcs", "csc", "adult", "carers"]:
            with self.subTest(module=code):
                module = courses[code]
                self.assertEqual(module.agency.code, code)
                self.assertGreaterEqual(LessonPage.objects.child_of(module).live().count(), 4)
                self.assertEqual(module.refresher_months, 36)

    def test_every_course_and_lesson_file_is_published_and_renders(self):
        self.assertEqual(len(COURSE_FILES), 11)
        for path in COURSE_FILES:
            data = yaml.safe_load(path.read_text())
            course = CoursePage.objects.live().get(slug=data["slug"])
            self.assertPageIsRenderable(course)
            lessons = list(LessonPage.objects.child_of(course).live().order_by("path"))
            self.assertEqual([lesson.slug for lesson in lessons], [x["slug"] for x in data["lessons"]])
            for lesson in lessons:
                with self.subTest(lesson=lesson.url):
                    self.assertPageIsRoutable(lesson)
                    self.assertPageIsRenderable(lesson)

    def test_lessons_show_toolkit_sections_they_embed(self):
        embedded = []
        for lesson in LessonPage.objects.live():
            for section in lesson.body:
                for block in section.value["content"]:
                    if block.block_type == "chapter_section":
                        embedded.append((lesson, block.value))
        self.assertTrue(embedded, "the shipped lessons embed toolkit sections")
        lesson, value = embedded[0]
        soup = BeautifulSoup(self.client.get(lesson.url).content, "html.parser")
        boxes = soup.select(".embedded-section")
        self.assertTrue(boxes)
        self.assertIn(value["section"], [h.get_text(strip=True) for h in soup.select(".embedded-section h3")])
        link = boxes[0].select_one(".embedded-section__from a")
        self.assertTrue(link["href"].startswith("/toolkit/"))

    def test_course_index_filters_by_agency(self):
        soup = BeautifulSoup(self.client.get("/courses/", {"agency": "housing"}).content, "html.parser")
        titles = [a.get_text(strip=True) for a in soup.select(".course-list h2 a")]
        self.assertEqual(
            titles,
            [
                "Recognising and responding to child sexual abuse",
                "Housing: recognising and responding to child sexual abuse",
            ],
        )
        everything = BeautifulSoup(self.client.get("/courses/").content, "html.parser")
        self.assertEqual(len(everything.select(".course-list h2 a")), 11)
        odd = self.client.get("/courses/", {"agency": "<script>"})
        self.assertEqual(odd.status_code, 200)
        self.assertNotIn(b"<script>", odd.content)
