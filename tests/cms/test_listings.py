"""Every snippet listing in the admin searches, filters, and does both at once on the
database search backend, in a number of queries that does not grow with its rows; the
resource listing says in words whether a link works and when a review is due."""

import itertools
from datetime import date, timedelta

from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cms.models import Agency, Helpline, Resource
from cms.roles import CONTENT_APPROVERS, CONTENT_EDITORS
from links.models import Link, Status
from quizzes import kinds
from quizzes.models import AgeBand, BandSet, Behaviour, Vignette
from tests.factories import make_course, make_quiz
from tests.workflow_helpers import make_staff

serial = itertools.count(1)


def start_review(obj, user):
    """Submit `obj`'s latest change for approval, as an editor's "Submit for approval" does."""
    obj.save_revision(user=user)
    type(obj).get_default_workflow().start(obj, user)


class ListingTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = get_user_model().objects.create_superuser(
            "listings@example.org", "listings@example.org", "x"
        )
        cls.editor = make_staff(CONTENT_EDITORS)

    def setUp(self):
        self.client.force_login(self.admin)

    def rows(self, model, **params):
        """The listing's rows, {title: the row's text}."""
        response = self.client.get(reverse(model.snippet_viewset.get_url_name("list")), params)
        self.assertEqual(response.status_code, 200)
        soup = BeautifulSoup(response.content, "html.parser")
        return {
            row.select_one("td.title .title-wrapper").get_text(" ", strip=True): row.get_text(" ", strip=True)
            for row in soup.select("table tbody tr")
            if row.select_one("td.title")
        }

    def titles(self, model, **params):
        return set(self.rows(model, **params))

    def queries(self, model, **params):
        with CaptureQueriesContext(connection) as context:
            response = self.client.get(reverse(model.snippet_viewset.get_url_name("list")), params)
        self.assertEqual(response.status_code, 200)
        return len(context.captured_queries)

    def assert_flat(self, model, make, params):
        """The listing of 5 of `make`'s rows and of 25 (20 on the page) cost as many queries."""
        make(5)
        # A first request warms the per-process caches (content types, site).
        self.queries(model, **params)
        few = self.queries(model, **params)
        self.assertEqual(len(self.titles(model, **params)), 5)
        make(20)
        self.assertEqual(len(self.titles(model, **params)), 20)
        self.assertEqual(self.queries(model, **params), few)


class ResourceListingTests(ListingTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        today = timezone.localdate()
        cls.team = Group.objects.get(name=CONTENT_APPROVERS)
        cls.guide = Resource.objects.create(
            key="quokka-guide",
            title="Quokka guide",
            provider="Marsupial Trust",
            url="https://example.org/quokka-guide",
            paid_membership=True,
            owner_person=cls.editor,
            last_reviewed=date(2026, 3, 3),
            review_interval_months=36,
        )
        cls.guide.agencies.set([Agency.objects.get(code="housing")])
        cls.guide.save()
        cls.draft = Resource.objects.create(
            key="quokka-draft",
            title="Quokka leaflet",
            provider="Marsupial Trust",
            url="https://example.org/quokka-leaflet",
            live=False,
            owner_team=cls.team,
            last_reviewed=today - timedelta(days=800),
        )
        cls.wombat = Resource.objects.create(
            key="wombat-notes",
            title="Wombat notes",
            provider="Burrow Society",
            url="https://example.org/wombat-notes",
            owner_person=cls.editor,
        )
        cls.moved = Resource.objects.create(
            key="wombat-moved",
            title="Wombat map",
            provider="Burrow Society",
            url="https://example.org/wombat-map",
        )
        start_review(cls.moved, cls.editor)
        Link.objects.create(url=cls.guide.url, status=Status.BROKEN, http_code=404)
        Link.objects.create(url=cls.draft.url, status=Status.WORKING, http_code=200)
        Link.objects.create(url=cls.moved.url, status=Status.REDIRECTED, http_code=301)
        cls.mine = {"Quokka guide", "Quokka leaflet", "Wombat notes", "Wombat map"}

    def test_columns_say_in_words(self):
        rows = self.rows(Resource, provider="Marsupial Trust")
        self.assertEqual(set(rows), {"Quokka guide", "Quokka leaflet"})
        self.assertIn("Marsupial Trust Yes Broken (404) Due 3 March 2029 Live", rows["Quokka guide"])
        self.assertIn("Marsupial Trust No Working Overdue Draft", rows["Quokka leaflet"])
        rows = self.rows(Resource, provider="Burrow Society")
        self.assertIn("Burrow Society No Not checked yet Never reviewed Live", rows["Wombat notes"])
        self.assertIn("Moved permanently Never reviewed In moderation", rows["Wombat map"])
        self.assertNotIn("True", rows["Wombat map"] + rows["Wombat notes"])

    def test_search_finds_by_title_and_by_provider(self):
        self.assertEqual(self.titles(Resource, q="quokka") & self.mine, {"Quokka guide", "Quokka leaflet"})
        self.assertEqual(self.titles(Resource, q="burrow") & self.mine, {"Wombat notes", "Wombat map"})

    def test_each_filter_narrows(self):
        self.assertEqual(self.titles(Resource, provider="Burrow Society"), {"Wombat notes", "Wombat map"})
        self.assertEqual(self.titles(Resource, status="in_moderation"), {"Wombat map"})
        self.assertEqual(self.titles(Resource, status="draft") & self.mine, {"Quokka leaflet"})
        self.assertNotIn("Quokka leaflet", self.titles(Resource, status="live"))
        self.assertEqual(self.titles(Resource, owner_person=self.editor.pk), {"Quokka guide", "Wombat notes"})
        self.assertEqual(self.titles(Resource, owner_team=self.team.pk), {"Quokka leaflet"})
        self.assertEqual(
            self.titles(Resource, provider="Marsupial Trust", paid_membership="true"), {"Quokka guide"}
        )
        self.assertEqual(
            self.titles(Resource, provider="Marsupial Trust", paid_membership="false"), {"Quokka leaflet"}
        )
        self.assertEqual(
            self.titles(Resource, provider="Marsupial Trust", agency="housing"), {"Quokka guide"}
        )

    def test_search_and_filters_together(self):
        self.assertEqual(self.titles(Resource, q="quokka", status="draft"), {"Quokka leaflet"})
        self.assertEqual(self.titles(Resource, q="quokka", paid_membership="true"), {"Quokka guide"})
        self.assertEqual(self.titles(Resource, q="quokka", agency="housing"), {"Quokka guide"})
        self.assertEqual(self.titles(Resource, q="wombat", status="in_moderation"), {"Wombat map"})
        self.assertEqual(self.titles(Resource, q="wombat", owner_person=self.editor.pk), {"Wombat notes"})
        self.assertEqual(
            self.titles(Resource, q="trust", provider="Marsupial Trust", owner_team=self.team.pk),
            {"Quokka leaflet"},
        )

    def test_an_editor_sees_the_listing(self):
        self.client.force_login(self.editor)
        self.assertEqual(self.titles(Resource, q="quokka"), {"Quokka guide", "Quokka leaflet"})

    def test_queries_do_not_grow_with_rows(self):
        serial = iter(range(1000))

        def make(count):
            for _ in range(count):
                n = next(serial)
                resource = Resource.objects.create(
                    key=f"numbat-{n}",
                    title=f"Numbat {n}",
                    provider="Numbat Fund",
                    url=f"https://example.org/numbat/{n}",
                    owner_person=self.editor,
                    last_reviewed=date(2026, 1, 1),
                )
                Link.objects.create(url=resource.url, status=Status.BROKEN, http_code=410)
                if n % 3 == 0:
                    start_review(resource, self.editor)

        self.assert_flat(Resource, make, {"provider": "Numbat Fund"})
        self.assertEqual(len(self.titles(Resource, q="numbat", status="in_moderation")), 9)


class HelplineListingTests(ListingTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.team = Group.objects.create(name="Helpline keepers")
        cls.line = Helpline.objects.create(
            key="quokka-line", name="Quokka line", number="0800 000 0001", owner_team=cls.team
        )
        cls.draft = Helpline.objects.create(
            key="quokka-night", name="Quokka night line", number="0800 000 0002", live=False
        )
        cls.other = Helpline.objects.create(
            key="wombat-line", name="Wombat line", number="0800 000 0003", owner_team=cls.team
        )

    def test_search_filter_and_both(self):
        self.assertEqual(self.titles(Helpline, q="quokka"), {"Quokka line", "Quokka night line"})
        self.assertEqual(self.titles(Helpline, owner_team=self.team.pk), {"Quokka line", "Wombat line"})
        self.assertIn("Quokka night line", self.titles(Helpline, status="draft"))
        self.assertNotIn("Quokka line", self.titles(Helpline, status="draft"))
        self.assertEqual(self.titles(Helpline, q="quokka", status="live"), {"Quokka line"})
        self.assertEqual(
            self.titles(Helpline, q="line", owner_team=self.team.pk), {"Quokka line", "Wombat line"}
        )
        start_review(self.other, self.editor)
        self.assertEqual(self.titles(Helpline, q="line", status="in_moderation"), {"Wombat line"})
        self.assertIn("Never reviewed In moderation", self.rows(Helpline, q="wombat")["Wombat line"])

    def test_queries_do_not_grow_with_rows(self):
        serial = iter(range(1000))

        def make(count):
            for _ in range(count):
                n = next(serial)
                line = Helpline.objects.create(
                    key=f"numbat-{n}",
                    name=f"Numbat line {n}",
                    number=f"0800 100 {n:04}",
                    owner_team=self.team,
                )
                if n % 2:
                    start_review(line, self.editor)

        self.assert_flat(Helpline, make, {"q": "numbat"})


class AgencyListingTests(ListingTestCase):
    def test_search_finds_and_queries_do_not_grow(self):
        Agency.objects.create(code="quokka", name="Quokka council")
        self.assertEqual(self.titles(Agency, q="quokka"), {"Quokka council"})
        serial = iter(range(1000))

        def make(count):
            for _ in range(count):
                n = next(serial)
                Agency.objects.create(code=f"numbat-{n}", name=f"Numbat agency {n}")

        self.assert_flat(Agency, make, {"q": "numbat"})


class QuizListingTests(ListingTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.housing = Agency.objects.get(code="housing")
        cls.course = make_course(lessons=0, agency=cls.housing)
        cls.other_course = make_course(lessons=0)
        cls.quiz = make_quiz(cls.course, questions=[])
        cls.quiz.title = "Quokka quiz"
        cls.quiz.save()
        cls.other = make_quiz(cls.other_course, questions=[])
        cls.other.title = "Quokka check"
        cls.other.live = False
        cls.other.save()

    def test_search_filter_and_both(self):
        from quizzes.models import Quiz

        self.assertEqual(self.titles(Quiz, q="quokka"), {"Quokka quiz", "Quokka check"})
        self.assertIn("Quokka quiz", self.titles(Quiz, agency=self.housing.pk))
        self.assertNotIn("Quokka check", self.titles(Quiz, agency=self.housing.pk))
        self.assertEqual(self.titles(Quiz, q="quokka", agency=self.housing.pk), {"Quokka quiz"})
        self.assertEqual(self.titles(Quiz, q="quokka", status="draft"), {"Quokka check"})
        start_review(self.quiz, self.editor)
        self.assertEqual(self.titles(Quiz, q="quokka", status="in_moderation"), {"Quokka quiz"})

    def test_queries_do_not_grow_with_rows(self):
        from quizzes.models import Quiz

        serial = iter(range(1000))

        def make(count):
            for _ in range(count):
                n = next(serial)
                Quiz.objects.create(
                    course=make_course(lessons=0), title=f"Numbat quiz {n}", slug=f"numbat-{n}"
                )

        self.assert_flat(Quiz, make, {"q": "numbat"})


class QuestionListingTests(ListingTestCase):
    """Every kind of question has its own listing; each searches and filters alike."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.housing = Agency.objects.get(code="housing")
        cls.quiz = make_quiz(make_course(lessons=0, agency=cls.housing), questions=[])
        cls.other_quiz = make_quiz(make_course(lessons=0), questions=[])

    def make_question(self, model, text, quiz, **fields):
        """A question of `model`'s kind; the kind's own required links point to shipped rows."""
        for field in model._meta.local_concrete_fields:
            if field.primary_key or field.null or field.has_default() or field.name in fields:
                continue
            if field.many_to_one:
                fields[field.name] = field.related_model.objects.first()
            else:
                fields[field.name] = (
                    1 if field.get_internal_type().endswith(("IntegerField", "FloatField")) else "x"
                )
        return model.objects.create(quiz=quiz, text=text, key=f"question-{next(serial)}", **fields)

    def test_every_kind_searches_and_filters(self):
        for kind in kinds.all_kinds():
            model = kind.model
            with self.subTest(kind=model.__name__):
                self.make_question(model, "Quokka first", self.quiz, category="")
                self.make_question(model, "Quokka second", self.other_quiz, live=False)
                third = self.make_question(model, "Wombat third", self.quiz)
                self.assertEqual(self.titles(model, q="quokka"), {"Quokka first", "Quokka second"})
                self.assertEqual(self.titles(model, quiz=self.quiz.pk), {"Quokka first", "Wombat third"})
                self.assertEqual(self.titles(model, q="quokka", agency=self.housing.pk), {"Quokka first"})
                self.assertEqual(self.titles(model, q="quokka", status="draft"), {"Quokka second"})
                self.assertEqual(
                    self.titles(model, quiz=self.quiz.pk, status="live"), {"Quokka first", "Wombat third"}
                )
                start_review(third, self.editor)
                self.assertEqual(
                    self.titles(model, quiz=self.quiz.pk, status="in_moderation"), {"Wombat third"}
                )
                self.assertEqual(self.titles(model, q="third", status="in_moderation"), {"Wombat third"})

    def test_queries_do_not_grow_with_rows(self):
        for kind in kinds.all_kinds():
            model = kind.model
            with self.subTest(kind=model.__name__):
                numbers = iter(range(1000))

                def make(count, model=model, numbers=numbers):
                    for _ in range(count):
                        question = self.make_question(model, f"Numbat {next(numbers)}", self.quiz)
                        if question.pk % 2:
                            start_review(question, self.editor)

                self.assert_flat(model, make, {"quiz": self.quiz.pk})
                model.objects.filter(quiz=self.quiz).delete()


class VignetteListingTests(ListingTestCase):
    def test_search_filter_both_and_queries(self):
        housing = Agency.objects.get(code="housing")
        quiz = make_quiz(make_course(lessons=0), questions=[])
        Vignette.objects.create(
            quiz=quiz, key="q1", title="Quokka at the door", text="A visit.", agency=housing
        )
        Vignette.objects.create(quiz=quiz, key="q2", title="Quokka on the phone", text="A call.", live=False)
        wombat = Vignette.objects.create(
            quiz=quiz, key="w1", title="Wombat at school", text="A class.", agency=housing
        )
        self.assertEqual(self.titles(Vignette, q="quokka"), {"Quokka at the door", "Quokka on the phone"})
        self.assertEqual(
            self.titles(Vignette, quiz=quiz.pk, agency=housing.pk), {"Quokka at the door", "Wombat at school"}
        )
        self.assertEqual(self.titles(Vignette, q="quokka", agency=housing.pk), {"Quokka at the door"})
        self.assertEqual(self.titles(Vignette, q="quokka", status="draft"), {"Quokka on the phone"})
        start_review(wombat, self.editor)
        self.assertEqual(self.titles(Vignette, q="school", status="in_moderation"), {"Wombat at school"})

        serial = iter(range(1000))
        other = make_quiz(make_course(lessons=0), questions=[])

        def make(count):
            for _ in range(count):
                n = next(serial)
                vignette = Vignette.objects.create(
                    quiz=other, key=f"n{n}", title=f"Numbat {n}", text="Text.", agency=housing
                )
                if n % 2:
                    start_review(vignette, self.editor)

        self.assert_flat(Vignette, make, {"quiz": other.pk})


class BandListingTests(ListingTestCase):
    def test_band_sets_search_and_filter(self):
        BandSet.objects.create(key="quokka-bands", name="Quokka bands")
        BandSet.objects.create(key="wombat-bands", name="Wombat bands")
        self.assertEqual(self.titles(BandSet, q="quokka"), {"Quokka bands"})
        self.assertEqual(
            self.titles(BandSet, q="bands", current="false") & {"Quokka bands", "Wombat bands"},
            {"Quokka bands", "Wombat bands"},
        )
        self.assertEqual(self.titles(BandSet, q="quokka", current="true"), set())

        serial = iter(range(1000))

        def make(count):
            for _ in range(count):
                n = next(serial)
                BandSet.objects.create(key=f"numbat-{n}", name=f"Numbat {n}")

        self.assert_flat(BandSet, make, {"q": "numbat"})

    def test_behaviours_search_filter_both_and_queries(self):
        band = AgeBand.objects.first()
        Behaviour.objects.create(key="q-red", band=band, text="Quokka red", colour="red", reasoning="R.")
        Behaviour.objects.create(
            key="q-green", band=band, text="Quokka green", colour="green", reasoning="R.", live=False
        )
        amber = Behaviour.objects.create(
            key="w-amber", band=band, text="Wombat amber", colour="amber", reasoning="R."
        )
        self.assertEqual(self.titles(Behaviour, q="quokka"), {"Quokka red", "Quokka green"})
        self.assertEqual(self.titles(Behaviour, q="quokka", colour="red"), {"Quokka red"})
        self.assertEqual(self.titles(Behaviour, q="quokka", status="draft"), {"Quokka green"})
        self.assertIn("Wombat amber", self.titles(Behaviour, colour="amber"))
        self.assertNotIn("Quokka red", self.titles(Behaviour, colour="amber"))
        start_review(amber, self.editor)
        self.assertEqual(self.titles(Behaviour, q="amber", status="in_moderation"), {"Wombat amber"})
        self.assertEqual(self.titles(Behaviour, status="in_moderation", band=band.pk), {"Wombat amber"})

        serial = iter(range(1000))

        def make(count):
            for _ in range(count):
                n = next(serial)
                behaviour = Behaviour.objects.create(
                    key=f"numbat-{n}", band=band, text=f"Numbat {n}", colour="red", reasoning="R."
                )
                if n % 2:
                    start_review(behaviour, self.editor)

        self.assert_flat(Behaviour, make, {"q": "numbat"})
