"""Two-person approval through Wagtail's own admin views, for a page and each kind of
snippet staff read: an editor drafts and submits but cannot publish; someone else in
Content approvers approves (staff then see the change) or asks for changes; nobody
approves a change she wrote or submitted. The groups are the migration's, not seed_demo's."""

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse
from wagtail.models import ModelLogEntry, Page, PageLogEntry, TaskState
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from cms.models import ChapterPage, Helpline, Resource, ToolkitIndexPage
from quizzes.models import Behaviour, Question
from quizzes.snapshots import load_questions
from tests.factories import make_learner
from tests.workflow_helpers import in_review, make_approver, make_editor

pytestmark = pytest.mark.django_db


# -- the content under test ---------------------------------------------------------------


def scraped_form(client, url):
    """What a browser would send from the admin edit form at `url`, unchanged."""
    soup = BeautifulSoup(client.get(url).content, "html.parser")
    form = soup.select_one("form[data-edit-form]") or soup.select("form[method=post], form[method=POST]")[-1]
    data = {}
    for field in form.select("input[name], textarea[name], select[name]"):
        name = field["name"]
        if field.name == "textarea":
            data[name] = field.get_text()
        elif field.name == "select":
            chosen = [o.get("value", o.get_text()) for o in field.select("option[selected]")]
            if field.has_attr("multiple"):
                data[name] = chosen
            else:
                first = field.select_one("option")
                data[name] = chosen[0] if chosen else (first.get("value", "") if first else "")
        elif field.get("type") in ("checkbox", "radio"):
            if field.has_attr("checked"):
                data.setdefault(name, []).append(field.get("value", "on"))
        elif field.get("type") not in ("submit", "button", "file", "image"):
            data[name] = field.get("value", "")
    data.pop("csrfmiddlewaretoken", None)
    return data


class Subject:
    """One kind of content: how to find an example, its edit URL, the form an editor
    sends with one field changed, and what staff see."""

    def __init__(self, name, field, new_value):
        self.name, self.field, self.new_value = name, field, new_value

    def edit_url(self, obj):
        if isinstance(obj, Page):
            return reverse("wagtailadmin_pages:edit", args=[obj.pk])
        return reverse(obj.snippet_viewset.get_url_name("edit"), args=[obj.pk])

    def action_url(self, obj, action):
        task_state = in_review(obj).current_task_state
        if isinstance(obj, Page):
            return reverse("wagtailadmin_pages:workflow_action", args=[obj.pk, action, task_state.pk])
        return reverse(
            obj.snippet_viewset.get_url_name("workflow_action"), args=[obj.pk, action, task_state.pk]
        )

    def form(self, client, obj):
        data = scraped_form(client, self.edit_url(obj))
        data[self.field] = self.new_value
        return data

    def fresh(self, obj):
        return type(obj).objects.get(pk=obj.pk)


class ChapterSubject(Subject):
    def example(self):
        return ChapterPage.objects.get(slug="trauma")

    def form(self, client, obj):
        return nested_form_data(
            {
                "title": self.new_value,
                "slug": obj.slug,
                "introduction": obj.introduction,
                "source": obj.source,
                "search_terms": obj.search_terms,
                "review_interval_months": 12,
                "key_messages": streamfield([("message", "A key message.")]),
                "body": streamfield(
                    [
                        (
                            "section",
                            {
                                "heading": "One section",
                                "content": streamfield([("text", rich_text("<p>Some text.</p>"))]),
                            },
                        )
                    ]
                ),
            }
        )

    def staff_see(self, client, obj):
        return client.get(self.fresh(obj).url).content.decode()


def chapter_listing(block, items):
    toolkit = ToolkitIndexPage.objects.get()
    chapter = ChapterPage(
        title="A chapter listing it",
        slug=f"listing-{block}",
        introduction="A chapter made by a test.",
        source="Test source",
        key_messages=[("message", "A key message.")],
        body=[
            (
                "section",
                {"heading": "Where to go", "content": [(block, {"heading": "Where", "items": items})]},
            )
        ],
    )
    toolkit.add_child(instance=chapter)
    chapter.save_revision().publish()
    return chapter


class ResourceSubject(Subject):
    def example(self):
        resource = Resource.objects.filter(live=True).exclude(url="").first()
        self.chapter = chapter_listing("resources", [resource])
        return resource

    def staff_see(self, client, obj):
        return client.get(self.chapter.url).content.decode()


class HelplineSubject(Subject):
    def example(self):
        helpline = Helpline.objects.get(key="mind")
        self.chapter = chapter_listing("helplines", [helpline])
        return helpline

    def staff_see(self, client, obj):
        return client.get(self.chapter.url).content.decode()


class QuestionSubject(Subject):
    def example(self):
        return Question.objects.filter(live=True, quiz__slug="core-quiz").first().get_real_instance()

    def staff_see(self, client, obj):
        return " ".join(q.text for q in load_questions(obj.quiz))


class BehaviourSubject(Subject):
    def example(self):
        return Behaviour.objects.filter(live=True, practice=True).first()

    def staff_see(self, client, obj):
        return client.get(reverse("quizzes:practice", args=[obj.band.code])).content.decode()


SUBJECTS = [
    ChapterSubject("chapter", "title", "Trauma, changed by an editor"),
    ResourceSubject("resource", "title", "A resource title changed by an editor"),
    HelplineSubject("helpline", "name", "Mind, changed by an editor"),
    QuestionSubject("question", "text", "A question changed by an editor?"),
    BehaviourSubject("behaviour", "text", "A behaviour changed by an editor"),
]


@pytest.fixture(params=SUBJECTS, ids=lambda s: s.name)
def subject(request):
    return request.param


def staff_client():
    """A learner's own browser: what staff see, without the editor's admin messages."""
    browser = Client()
    browser.force_login(make_learner())
    return browser


def live_value(subject, obj):
    return getattr(subject.fresh(obj), subject.field)


def published_logs(obj):
    if isinstance(obj, Page):
        return PageLogEntry.objects.filter(page=obj, action="wagtail.publish")
    return ModelLogEntry.objects.for_instance(obj).filter(action="wagtail.publish")


def submit(client, subject, obj, editor):
    client.force_login(editor)
    response = client.post(subject.edit_url(obj), {**subject.form(client, obj), "action-submit": "submit"})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert in_review(obj) is not None


# -- the journeys ---------------------------------------------------------------------------


def test_an_editor_cannot_publish_but_can_save_a_draft(client, subject):
    obj, editor = subject.example(), make_editor()
    before, logs = live_value(subject, obj), published_logs(obj).count()
    client.force_login(editor)
    client.post(subject.edit_url(obj), {**subject.form(client, obj), "action-publish": "publish"})
    assert live_value(subject, obj) == before
    assert published_logs(obj).count() == logs
    assert subject.new_value not in subject.staff_see(staff_client(), obj)

    response = client.post(subject.edit_url(obj), subject.form(client, obj))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert live_value(subject, obj) == before
    assert subject.fresh(obj).get_latest_revision().content[subject.field] == subject.new_value


def test_a_second_person_approves_and_staff_see_the_change(client, subject):
    obj, editor, approver = subject.example(), make_editor(), make_approver()
    submit(client, subject, obj, editor)
    assert subject.new_value not in subject.staff_see(staff_client(), obj)

    client.force_login(approver)
    response = client.post(subject.action_url(obj, "approve"), {"comment": ""})
    assert response.status_code == 302
    assert live_value(subject, obj) == subject.new_value
    assert subject.new_value in subject.staff_see(staff_client(), obj)
    assert in_review(obj) is None


def test_the_submitter_cannot_approve_her_own_change(client, subject):
    obj, submitter = subject.example(), make_approver()  # an approver, submitting her own edit
    before = live_value(subject, obj)
    submit(client, subject, obj, submitter)
    edit_page = client.get(subject.edit_url(obj)).content.decode()
    assert 'name="action-workflow-action"' not in edit_page and "data-workflow-action-url" not in edit_page
    response = client.post(subject.action_url(obj, "approve"), {"comment": ""})
    assert response.status_code in (302, 403)
    assert live_value(subject, obj) == before
    assert in_review(obj) is not None


def test_an_approver_who_edited_the_draft_cannot_approve_it(client, subject):
    obj, editor, approver = subject.example(), make_editor(), make_approver()
    before = live_value(subject, obj)
    client.force_login(approver)
    client.post(subject.edit_url(obj), subject.form(client, obj))  # her draft
    submit(client, subject, obj, editor)  # the editor submits on top of it
    task = in_review(obj).current_task_state.task.specific
    assert approver.pk in task.authors(subject.fresh(obj))
    client.force_login(approver)
    client.post(subject.action_url(obj, "approve"), {"comment": ""})
    assert live_value(subject, obj) == before
    assert in_review(obj) is not None


def test_an_approver_asks_for_changes_and_the_editor_sees_it(client, subject):
    obj, editor, approver = subject.example(), make_editor(), make_approver()
    before = live_value(subject, obj)
    submit(client, subject, obj, editor)
    client.force_login(approver)
    response = client.post(subject.action_url(obj, "reject"), {"comment": "Please cite the source."})
    assert response.status_code == 302
    assert live_value(subject, obj) == before
    assert subject.new_value not in subject.staff_see(staff_client(), obj)
    rejected = TaskState.objects.filter(status=TaskState.STATUS_REJECTED).order_by("-pk").first()
    assert rejected.comment == "Please cite the source."
    client.force_login(editor)
    edit_page = client.get(subject.edit_url(obj)).content.decode()
    assert "Changes requested" in edit_page or "changes requested" in edit_page.lower()


def test_a_learner_mid_attempt_keeps_her_version_after_a_change_is_approved(client):
    from courses import services as course_services
    from quizzes.draws import pages
    from quizzes.models import Attempt, SingleChoiceQuestion
    from tests.factories import make_course, make_quiz, open_the_quiz

    learner, course = make_learner(), make_course(lessons=1)
    quiz = make_quiz(course)
    open_the_quiz(course_services.enrol(learner, course))
    learner_browser = Client()
    learner_browser.force_login(learner)
    learner_browser.post(f"/quizzes/{quiz.slug}/start/")
    attempt = Attempt.objects.get(quiz=quiz, learner=learner)
    question = SingleChoiceQuestion.objects.get(quiz=quiz)
    old_text = question.text
    subject = QuestionSubject("question", "text", "A reworded question, approved mid-attempt")

    submit(client, subject, question, make_editor())
    client.force_login(make_approver())
    client.post(subject.action_url(question, "approve"), {"comment": ""})
    assert live_value(subject, question) == subject.new_value

    shown = "".join(
        learner_browser.get(f"/quizzes/attempts/{attempt.pk}/page/{number}/").content.decode()
        for number in range(1, len(pages(attempt.questions)) + 1)
    )
    assert old_text in shown and subject.new_value not in shown
