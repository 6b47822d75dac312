"""`load_content` and the approval workflow: the first load publishes everything with an
owner and a review date; a later shipped change to something an editor has changed since
becomes a draft for an approver, never an overwrite of what staff see."""


import pytest
import yaml
from django.utils import timezone
from wagtail.models import Revision

from cms.models import ChapterPage, Resource
from cms.roles import CONTENT_EDITORS
from quizzes.models import Question, Quiz
from quizzes.snapshots import quiz_snapshots
from tests.content_fixtures.test_load_content import edit_yaml, load
from tests.workflow_helpers import approve, in_review, make_approver, make_editor

pytestmark = pytest.mark.django_db


def retitle_first_resource(data_copy, title):
    path = data_copy / "resources.yaml"
    edit_yaml(path, lambda resources: resources[0].update(title=title))
    return Resource.objects.get(key=yaml.safe_load(path.read_text())[0]["key"])


def editor_changes(obj, field, value, editor, approver):
    """An editor's change through the workflow: draft, submit, someone else approves."""
    setattr(obj, field, value)
    obj.save_revision(user=editor)
    obj.get_workflow().start(obj, editor)
    approve(obj, approver)
    obj.refresh_from_db()
    assert getattr(obj, field) == value


def test_the_first_load_publishes_everything_owned_by_the_editors_and_reviewed():
    # The suite's database was empty before conftest's load_content.
    for model in (ChapterPage, Resource):
        rows = list(model.objects.all())
        assert rows
        assert all(row.live for row in rows)
        # seed_demo then gives some to the demo editor in person.
        assert {row.owner_team.name for row in rows if row.owner_person_id is None} == {CONTENT_EDITORS}
        assert all(row.last_reviewed is not None for row in rows)
    assert max(r.last_reviewed for r in Resource.objects.all()) <= timezone.localdate()


def test_an_update_to_a_resource_no_one_edited_goes_live_directly(data_copy):
    resource = retitle_first_resource(data_copy, "Shipped new title")
    output = load(data_copy)
    assert "held for approval" not in output
    resource.refresh_from_db()
    assert resource.title == "Shipped new title"
    assert in_review(resource) is None


def test_an_update_to_a_resource_an_editor_changed_is_held_as_a_draft_for_approval(data_copy):
    editor, approver = make_editor(), make_approver()
    resource = retitle_first_resource(data_copy, "Shipped new title")
    editor_changes(resource, "title", "The editor's title", editor, approver)

    output = load(data_copy)

    assert "1 update held for approval because an editor had changed them." in output
    resource.refresh_from_db()
    assert resource.title == "The editor's title"  # staff still see the editor's version
    latest = Revision.objects.for_instance(resource).order_by("-created_at", "-pk").first()
    assert latest.user is None and latest.content["title"] == "Shipped new title"
    state = in_review(resource)
    assert state is not None and state.requested_by is None
    assert "held for approval" not in load(data_copy)  # nothing is held twice

    approve(resource, approver)
    resource.refresh_from_db()
    assert resource.title == "Shipped new title"


def test_a_chapter_with_an_editors_draft_gets_the_shipped_version_as_a_new_draft(data_copy):
    editor = make_editor()
    page = ChapterPage.objects.get(slug="trauma")
    live_introduction = page.introduction
    page.introduction = "An editor's draft introduction."
    page.save_revision(user=editor)
    edit_yaml(
        next((data_copy / "chapters").glob("*-trauma.yaml")),
        lambda d: d.update(introduction="The shipped new introduction."),
    )

    output = load(data_copy)

    assert "1 update held for approval" in output
    page = ChapterPage.objects.get(slug="trauma")
    assert page.introduction == live_introduction
    latest = page.get_latest_revision()
    assert latest.user is None and latest.content["introduction"] == "The shipped new introduction."
    assert in_review(page) is not None

    approve(page, make_approver())
    page = ChapterPage.objects.get(slug="trauma")
    assert page.introduction == "The shipped new introduction."


def test_a_question_and_a_quiz_an_editor_changed_get_the_shipped_versions_as_drafts(data_copy):
    editor, approver = make_editor(), make_approver()
    path = next((data_copy / "quizzes").glob("01-*.yaml"))
    shipped = yaml.safe_load(path.read_text())
    quiz = Quiz.objects.get(slug=shipped["slug"])
    question = Question.objects.get(quiz=quiz, key=shipped["questions"][0]["key"])
    editor_changes(question, "text", "The editor's wording of the question.", editor, approver)
    editor_changes(quiz, "pass_mark", 75, editor, approver)

    def ship(data):
        data["questions"][0]["text"] = "The shipped wording of the question."
        data["pass_mark"] = 80

    edit_yaml(path, ship)
    output = load(data_copy)

    assert "2 updates held for approval" in output
    question = Question.objects.get(pk=question.pk)
    quiz.refresh_from_db()
    # Staff (and every new attempt) still get the editor's approved versions.
    assert question.text == "The editor's wording of the question."
    assert quiz.pass_mark == 75
    assert [row["text"] for row in quiz_snapshots(quiz) if row["key"] == question.key] == [question.text]
    for obj, field, value in [
        (question, "text", "The shipped wording of the question."),
        (quiz, "pass_mark", 80),
    ]:
        latest = Revision.objects.for_instance(obj).order_by("-created_at", "-pk").first()
        assert latest.user is None and latest.content[field] == value
        assert in_review(obj) is not None

    approve(question, approver)
    approve(quiz, approver)
    assert Question.objects.get(pk=question.pk).text == "The shipped wording of the question."
    quiz.refresh_from_db()
    assert quiz.pass_mark == 80
    # The quiz's pools came through the draft unchanged.
    assert quiz.pools.count() == len(shipped.get("draw") or [])
