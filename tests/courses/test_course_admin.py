"""Editors set a course's completion rule and the survey's items in Wagtail's admin."""

from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, streamfield

from courses.models import CoursePage, SurveyItem
from tests.workflow_helpers import approve_change


class CourseAdminTests(WagtailPageTestCase):
    def setUp(self):
        self.client.force_login(get_user_model().objects.get(username="editor@example.org"))
        self.course = CoursePage.objects.get(slug="housing")

    def post_course(self, required):
        data = nested_form_data(
            {
                "title": self.course.title,
                "slug": self.course.slug,
                "introduction": self.course.introduction,
                "agency": self.course.agency_id,
                "outcomes": streamfield([("outcome", "An outcome.")]),
                "estimated_minutes": 45,
                "refresher_months": 24,
                "source": "",
                "follow_up_weeks": 12,
                "review_interval_months": 12,
                "action-submit": "submit",
            }
        )
        data["required_activities"] = required
        return self.client.post(reverse("wagtailadmin_pages:edit", args=[self.course.pk]), data)

    def test_the_completion_rule_is_chosen_from_the_registered_activities(self):
        form_page = self.client.get(reverse("wagtailadmin_pages:edit", args=[self.course.pk]))
        for label in ["Answer the “before” confidence survey", "Finish every lesson"]:
            self.assertContains(form_page, label)
        response = self.post_course(["lessons", "after_survey"])
        self.assertEqual(response.status_code, 302)
        approve_change(self.course)
        self.course.refresh_from_db()
        self.assertEqual(self.course.required_activities, ["lessons", "after_survey"])
        self.assertEqual(self.course.refresher_months, 24)

    def test_an_empty_or_unknown_rule_is_refused(self):
        before = self.course.required_activities
        self.assertEqual(before, ["before_survey", "knowledge_check", "lessons", "quiz", "after_survey"])
        for required in [[], ["lessons", "bake_a_cake"]]:
            response = self.post_course(required)
            self.assertEqual(response.status_code, 200)
            self.course.refresh_from_db()
            self.assertEqual(self.course.required_activities, before)

    def test_editor_rewords_a_survey_item_keeping_its_code(self):
        item = SurveyItem.objects.get(code="recording-and-sharing")
        url = reverse("wagtailsnippets_courses_surveyitem:edit", args=[item.pk])
        response = self.client.post(
            url, {"text": "Writing down and passing on concerns", "code": item.code, "active": "on"}
        )
        self.assertEqual(response.status_code, 302)
        item.refresh_from_db()
        self.assertEqual(item.text, "Writing down and passing on concerns")
