"""A member of staff with training records is never deleted from the admin: the
partnership's figures and certificates rest on those records, so the administrator is told
to anonymise the account instead, and is never shown a 500."""

from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.test import TestCase
from django.urls import reverse

from courses import services
from tests.factories import make_course, make_learner

REFUSAL = "holds training records and cannot be deleted"


class UserDeletionTests(TestCase):
    def setUp(self):
        self.client.force_login(get_user_model().objects.get(username="admin@example.org"))
        self.completed = get_user_model().objects.get(username="learner.health@example.org")
        self.enrolled = make_learner(first_name="Enid", last_name="Enrolled")
        services.enrol(self.enrolled, make_course(lessons=1))
        self.untrained = make_learner(first_name="Una", last_name="Untrained")

    def messages_of(self, response):
        soup = BeautifulSoup(response.content, "html.parser")
        return " ".join(m.get_text(" ", strip=True) for m in soup.select(".messages li"))

    def assert_refused(self, response, user):
        self.assertEqual(response.status_code, 200)
        message = self.messages_of(response)
        self.assertIn(f"{user.get_full_name()} {REFUSAL}", message)
        self.assertIn("Anonymise the account instead", message)
        self.assertNotIn("referenced 0 times", response.content.decode())
        self.assertTrue(get_user_model().objects.filter(pk=user.pk).exists())

    def test_a_learner_with_a_completion_or_an_enrolment_is_not_deleted(self):
        for user in (self.completed, self.enrolled):
            url = reverse("wagtailusers_users:delete", args=[user.pk])
            self.assert_refused(self.client.get(url, follow=True), user)
            self.assert_refused(self.client.post(url, follow=True), user)

    def test_bulk_delete_refuses_when_any_selected_user_holds_training_records(self):
        url = reverse("wagtail_bulk_action", args=["auth", "user", "delete"])
        query = f"?id={self.untrained.pk}&id={self.completed.pk}&next={reverse('wagtailusers_users:index')}"
        self.assert_refused(self.client.get(url + query, follow=True), self.completed)
        self.assert_refused(self.client.post(url + query, follow=True), self.completed)
        self.assertTrue(get_user_model().objects.filter(pk=self.untrained.pk).exists())

    def test_a_user_without_training_records_can_still_be_deleted(self):
        url = reverse("wagtailusers_users:delete", args=[self.untrained.pk])
        self.assertEqual(self.client.get(url).status_code, 200)
        self.assertEqual(self.client.post(url).status_code, 302)
        self.assertFalse(get_user_model().objects.filter(pk=self.untrained.pk).exists())

    def test_bulk_delete_of_users_without_training_records_still_works(self):
        other = make_learner(first_name="Otto", last_name="Other")
        url = reverse("wagtail_bulk_action", args=["auth", "user", "delete"])
        query = f"?id={self.untrained.pk}&id={other.pk}"
        self.assertEqual(self.client.post(url + query).status_code, 302)
        self.assertFalse(get_user_model().objects.filter(pk__in=[self.untrained.pk, other.pk]).exists())
