"""Editors manage quizzes and every question type in the admin."""

from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from quizzes import kinds
from quizzes.models import (
    Behaviour,
    Question,
    Quiz,
    SingleChoiceQuestion,
    SpotIndicatorsQuestion,
    Vignette,
)
from tests.workflow_helpers import approve_change


class QuizAdminTests(WagtailPageTestCase):
    def setUp(self):
        self.client.force_login(get_user_model().objects.get(username="editor@example.org"))
        self.quiz = Quiz.objects.get(slug="housing-quiz")

    def test_every_question_type_has_a_listing_filtered_by_quiz(self):
        for name in [
            "singlechoicequestion",
            "multipleresponsequestion",
            "truefalsequestion",
            "trafficlightquestion",
            "trafficlightsortquestion",
            "spotindicatorsquestion",
            "orderquestion",
            "matchingquestion",
        ]:
            url = reverse(f"wagtailsnippets_quizzes_{name}:list")
            response = self.client.get(url, {"quiz": self.quiz.pk})
            self.assertEqual(response.status_code, 200, name)
        response = self.client.get(
            reverse("wagtailsnippets_quizzes_spotindicatorsquestion:list"),
            {"category": "cse", "agency": self.quiz.course.agency_id},
        )
        self.assertEqual(response.status_code, 200)

    def test_editor_creates_a_single_choice_question_with_its_options(self):
        url = reverse("wagtailsnippets_quizzes_singlechoicequestion:add")
        data = nested_form_data(
            {
                "quiz": self.quiz.pk,
                "sort_order": 99,
                "points": 1,
                "key": "new-question",
                "vignette": "",
                "text": "Who do you tell first?",
                "image": "",
                "options": inline_formset(
                    [
                        {"text": "Your safeguarding lead", "correct": "on", "feedback": ""},
                        {"text": "The neighbour", "feedback": ""},
                    ]
                ),
                "explanation": "Your lead, the same day.",
                "chapter": "",
                "category": "",
                "difficulty": "easy",
                "age_band": "",
                "tags": "",
            }
        )
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302, response.content[:300])
        question = SingleChoiceQuestion.objects.get(quiz=self.quiz, key="new-question")
        self.assertEqual(
            [(o.text, o.correct) for o in question.options.all()],
            [("Your safeguarding lead", True), ("The neighbour", False)],
        )

    def test_editor_edits_observations_of_a_spot_the_indicators_question(self):
        question = SpotIndicatorsQuestion.objects.filter(quiz=self.quiz).first()
        url = reverse("wagtailsnippets_quizzes_spotindicatorsquestion:edit", args=[question.pk])
        observations = list(question.observations.all())
        data = nested_form_data(
            {
                "quiz": self.quiz.pk,
                "sort_order": question.sort_order,
                "points": 1,
                "key": question.key,
                "vignette": question.vignette_id or "",
                "text": "Edited question text",
                "image": "",
                "observations": inline_formset(
                    [
                        {
                            "id": o.pk,
                            "text": o.text,
                            "category": o.category,
                            **({"indicator": "on"} if o.indicator else {}),
                        }
                        for o in observations
                    ],
                    initial=len(observations),
                ),
                "explanation": question.explanation,
                "chapter": question.chapter_id or "",
                "category": question.category,
                "difficulty": question.difficulty,
                "age_band": question.age_band_id or "",
                "tags": "",
                "action-submit": "submit",
            }
        )
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302, response.content[:300])
        question.refresh_from_db()
        self.assertNotEqual(question.text, "Edited question text")  # staff see it once approved
        approve_change(question)
        question.refresh_from_db()
        self.assertEqual(question.text, "Edited question text")
        self.assertEqual(question.observations.count(), len(observations))

    def test_preview_shows_the_quiz_with_its_right_answers(self):
        url = reverse("wagtailsnippets_quizzes_quiz:preview_on_edit", args=[self.quiz.pk])
        form = {
            "title": self.quiz.title,
            "slug": self.quiz.slug,
            "course": self.quiz.course_id,
            "introduction": self.quiz.introduction,
            "pass_mark": 70,
            "max_attempts": 0,
            "knowledge_check_size": 8,
            "review_when_failed": "wrong",
            "review_when_finished": "everything",
            "pools": inline_formset([{"label": "Signs of exploitation", "count": 2, "category": "cse"}]),
        }
        self.assertEqual(self.client.post(url, nested_form_data(form)).json()["is_valid"], True)
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Preview for editors")
        first = Question.objects.filter(quiz=self.quiz).order_by("sort_order").first()
        self.assertContains(response, first.text[:40])

    def test_editor_sets_the_pools_an_attempt_draws_from(self):
        url = reverse("wagtailsnippets_quizzes_quiz:edit", args=[self.quiz.pk])
        form = {
            "title": self.quiz.title,
            "slug": self.quiz.slug,
            "course": self.quiz.course_id,
            "introduction": self.quiz.introduction,
            "pass_mark": 70,
            "max_attempts": 0,
            "certainty": "on",
            "knowledge_check_size": 6,
            "review_when_failed": "score",
            "review_when_finished": "everything",
        }
        exploitation = self.quiz.questions.filter(category="cse").count()
        ordering = self.quiz.questions.filter(category="", orderquestion__isnull=False).count()
        pools = [
            {"label": "Signs of exploitation", "count": 2, "category": "cse", "question_type": ""},
            {"label": "What to do", "count": ordering, "category": "none", "question_type": "order"},
        ]
        self.quiz.pools.all().delete()  # the shipped pools; this editor starts afresh
        for wrong, message in [
            ([dict(pools[0], count=0)], "greater than or equal to 1"),
            # More than the bank holds: attempts would quietly ask fewer questions.
            ([dict(pools[0], count=exploitation + 1)], f"This pool can draw {exploitation} questions"),
            # The second pool may not count what the first one matches.
            ([pools[0], dict(pools[0], label="Again", count=1)], "This pool can draw 0 questions"),
        ]:
            response = self.client.post(url, nested_form_data({**form, "pools": inline_formset(wrong)}))
            self.assertContains(response, message)  # the form explains; nothing saved
            self.assertFalse(self.quiz.pools.exists())
        response = self.client.post(
            url, nested_form_data({**form, "pools": inline_formset(pools), "action-submit": "submit"})
        )
        self.assertEqual(response.status_code, 302, response.content[:300])
        approve_change(self.quiz)
        self.quiz.refresh_from_db()
        self.assertEqual(
            list(self.quiz.pools.values_list("label", "count", "category", "question_type")),
            [("Signs of exploitation", 2, "cse", ""), ("What to do", ordering, "none", "order")],
        )
        self.assertEqual((self.quiz.certainty, self.quiz.knowledge_check_size), (True, 6))
        self.assertEqual(self.quiz.review_when_failed, "score")

    def test_reorder_questions(self):
        questions = list(Question.objects.filter(quiz=self.quiz).order_by("sort_order"))
        url = reverse("quizzes_reorder", args=[self.quiz.pk])
        positions = {f"position-{q.pk}": str(len(questions) - n) for n, q in enumerate(questions)}
        self.assertEqual(self.client.post(url, positions).status_code, 302)
        reordered = list(Question.objects.filter(quiz=self.quiz).order_by("sort_order"))
        self.assertEqual(reordered, list(reversed(questions)))
        clash = dict(positions, **{f"position-{questions[0].pk}": positions[f"position-{questions[1].pk}"]})
        response = self.client.post(url, clash)
        self.assertContains(response, "Two questions have the same position.")
        bad = dict(positions, **{f"position-{questions[0].pk}": "abc"})
        self.assertContains(self.client.post(url, bad), "Give every question a position")

    def test_export_downloads_moodle_xml(self):
        response = self.client.get(reverse("quizzes_export", args=[self.quiz.pk]))
        self.assertEqual(response["Content-Type"], "application/xml; charset=utf-8")
        self.assertIn(b"<quiz>", response.content)


class QuizAdminSearchTests(WagtailPageTestCase):
    """Every quiz listing searches on SQLite and PostgreSQL, finding the one item that
    holds a word and leaving the others out."""

    WORDS = ["quokka", "wombat", "numbat", "bilby", "potoroo", "bandicoot", "dunnart", "quoll"]

    def setUp(self):
        self.client.force_login(get_user_model().objects.get(username="editor@example.org"))

    def found(self, model, query, **filters):
        url = reverse(f"wagtailsnippets_quizzes_{model._meta.model_name}:list")
        response = self.client.get(url, {"q": query, **filters})
        self.assertEqual(response.status_code, 200, model._meta.model_name)
        return list(response.context["paginator"].object_list)

    def test_every_question_type_is_found_by_its_text_and_explanation(self):
        shipped = [kind.model for kind in kinds.all_kinds() if kind.model._meta.app_label == "quizzes"]
        for word, model in zip(self.WORDS, shipped, strict=True):
            first, second = model.objects.order_by("pk")[:2]
            first.text = f"{first.text} {word.title()}"
            first.save()
            second.explanation = f"{second.explanation} The {word}s know why."
            second.save()
            self.assertCountEqual(self.found(model, word.title()), [first, second], model.type_label)
            self.assertEqual(self.found(model, f"{word}s"), [second], model.type_label)

    def test_search_combines_with_the_quiz_agency_and_category_filters(self):
        question = (
            SpotIndicatorsQuestion.objects.exclude(quiz__course__agency=None).exclude(category="").first()
        )
        question.explanation = f"{question.explanation} Quokkas."
        question.save()
        filters = {
            "quiz": question.quiz_id,
            "agency": question.quiz.course.agency_id,
            "category": question.category,
        }
        self.assertEqual(self.found(SpotIndicatorsQuestion, "quokkas", **filters), [question])
        other_quiz = Quiz.objects.exclude(pk=question.quiz_id).first()
        self.assertEqual(self.found(SpotIndicatorsQuestion, "quokkas", quiz=other_quiz.pk), [])

    def test_vignettes_are_found_by_title_and_text(self):
        first, second = Vignette.objects.order_by("pk")[:2]
        first.title = "The quokka household"
        first.save()
        second.text = f"{second.text} A wombat lives next door."
        second.save()
        self.assertEqual(self.found(Vignette, "quokka"), [first])
        self.assertEqual(self.found(Vignette, "wombat"), [second])

    def test_quizzes_are_found_by_title(self):
        self.assertEqual(self.found(Quiz, "housing"), [Quiz.objects.get(slug="housing-quiz")])

    def test_traffic_light_behaviours_are_found_by_text(self):
        behaviour = Behaviour.objects.order_by("pk").first()
        behaviour.text = f"{behaviour.text} with a quokka"
        behaviour.save()
        self.assertEqual(self.found(Behaviour, "quokka"), [behaviour])
        self.assertEqual(self.found(Behaviour, "quokka", colour=behaviour.colour), [behaviour])
