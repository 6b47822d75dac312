"""'Update to <final URL>': a moved link is fixed through the approval workflow, never live at once."""

import pytest
from django.urls import reverse
from django.utils.text import slugify
from wagtail.models import Revision

from cms.models import ChapterPage, Resource, ToolkitIndexPage
from cms.roles import CONTENT_APPROVERS, CONTENT_EDITORS
from links.models import Link, Status
from tests.factories import make_resources
from tests.links.helpers import content_user, failing, use

pytestmark = pytest.mark.django_db

OLD = "https://example.org/old-guide"
NEW = "https://example.org/guides/new"


@pytest.fixture
def editor(client):
    user = content_user(CONTENT_EDITORS, first_name="Edith", last_name="Editor")
    client.force_login(user)
    return user


@pytest.fixture
def moved():
    return Link.objects.create(url=OLD, status=Status.REDIRECTED, http_code=301, final_url=NEW)


def resource_linking(url):
    resource = make_resources(1)[0]
    resource.url = url
    resource.save()
    return resource


def update(client, link):
    return client.post(
        reverse("links:update_to_final", args=[link.pk]), {"next": "/admin/links/broken/"}, follow=True
    )


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def approve(obj, approver):
    task_state = obj.current_workflow_task_state
    task_state.task.specific.on_action(task_state, approver, "approve")


def chapter_with(html):
    chapter = ChapterPage(
        title="Chapter with a moved link",
        slug=slugify("Chapter with a moved link"),
        introduction="Intro.",
        source="Test source",
        key_messages=[("message", "A key message.")],
        body=[("section", {"heading": "Links", "content": [("text", html)]})],
    )
    ToolkitIndexPage.objects.get().add_child(instance=chapter)
    chapter.save_revision().publish()
    return ChapterPage.objects.get(pk=chapter.pk)


def test_a_resource_gets_a_draft_with_the_new_url_submitted_for_approval(editor, client, moved):
    resource = resource_linking(OLD)
    use(moved, resource)

    response = update(client, moved)

    assert messages_of(response) == [
        f"{NEW} is submitted for approval in {resource.title}. It goes live once approved."
    ]
    resource = Resource.objects.get(pk=resource.pk)
    assert resource.url == OLD  # the live row is unchanged
    assert resource.latest_revision.user == editor
    assert resource.latest_revision.as_object().url == NEW
    state = resource.current_workflow_state
    assert state.status == "in_progress"
    assert state.requested_by == editor
    assert resource.current_workflow_task_state.revision == resource.latest_revision

    approve(resource, content_user(CONTENT_APPROVERS))
    assert Resource.objects.get(pk=resource.pk).url == NEW


def test_a_page_gets_the_href_replaced_in_a_new_revision_and_stays_live_as_it_was(editor, client, moved):
    chapter = chapter_with(
        f'<p>See <a href="{OLD}">the guide</a> and <a href="https://example.org/other">another</a>.</p>'
    )
    use(moved, chapter, "body › section › content › text")

    response = update(client, moved)

    assert messages_of(response) == [
        f"{NEW} is submitted for approval in Chapter with a moved link. It goes live once approved."
    ]
    chapter = ChapterPage.objects.get(pk=chapter.pk)
    live_html = chapter.body[0].value["content"][0].value.source
    assert f'href="{OLD}"' in live_html
    draft = chapter.get_latest_revision().as_object()
    draft_html = draft.body[0].value["content"][0].value.source
    assert f'<a href="{NEW}">the guide</a>' in draft_html
    assert 'href="https://example.org/other"' in draft_html
    assert OLD not in draft_html
    assert chapter.get_latest_revision().user == editor
    assert chapter.workflow_in_progress
    assert chapter.current_workflow_state.requested_by == editor

    approve(chapter, content_user(CONTENT_APPROVERS))
    chapter = ChapterPage.objects.get(pk=chapter.pk)
    assert f'href="{NEW}"' in chapter.body[0].value["content"][0].value.source


def test_refused_when_already_in_moderation(editor, client, moved):
    resource = resource_linking(OLD)
    use(moved, resource)
    other = content_user(CONTENT_EDITORS)
    draft = Resource.objects.get(pk=resource.pk)
    draft.title = "Renamed by someone else"
    draft.save_revision(user=other)
    resource.get_workflow().start(resource, other)
    revisions = Revision.objects.for_instance(resource).count()

    response = update(client, moved)

    assert messages_of(response) == [
        f"{resource.title} was not changed. It is already waiting for approval: "
        "change it there, or wait until it is approved."
    ]
    assert Revision.objects.for_instance(resource).count() == revisions
    assert Resource.objects.get(pk=resource.pk).url == OLD


def test_refused_when_locked_by_someone_else(editor, client, moved):
    resource = resource_linking(OLD)
    use(moved, resource)
    other = content_user(CONTENT_EDITORS, first_name="Olu", last_name="Other")
    resource.locked, resource.locked_by = True, other
    resource.save()

    response = update(client, moved)

    assert messages_of(response) == [f"{resource.title} was not changed. It is locked by Olu Other."]
    assert Revision.objects.for_instance(resource).count() == 0
    assert not Resource.objects.get(pk=resource.pk).workflow_in_progress


def test_refused_for_a_link_that_has_not_moved(editor, client):
    link = failing(OLD)
    resource = resource_linking(OLD)
    use(link, resource)

    response = update(client, link)

    assert messages_of(response) == [
        "Only a link that has moved permanently can be updated to where it moved."
    ]
    assert Revision.objects.for_instance(resource).count() == 0


def test_only_a_post(editor, client, moved):
    assert client.get(reverse("links:update_to_final", args=[moved.pk])).status_code == 405
    assert client.post(reverse("links:update_to_final", args=[999999])).status_code == 404
