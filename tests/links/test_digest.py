"""failing_links_for(user): the failing links in what she owns, and nothing else."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms.models import Helpline
from cms.roles import CONTENT_EDITORS
from links.digest import failing_links_for
from links.models import Link, Status
from tests.factories import make_chapter, make_resources
from tests.links.helpers import SINCE, content_user, failing, use

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    ada = content_user(CONTENT_EDITORS)
    bob = content_user(CONTENT_EDITORS)
    team = Group.objects.create(name="Children's team")
    ada.groups.add(team)
    return ada, bob, team


def test_lists_failing_links_in_what_she_owns_as_a_person_or_through_her_team(people):
    ada, bob, team = people
    mine, bobs = make_resources(2)
    mine.owner_person = ada
    mine.save()
    bobs.owner_person = bob
    bobs.save()
    helpline = Helpline.objects.create(
        key="teams-line", name="Team line", number="0800 000 000", owner_team=team
    )
    chapter = make_chapter("Ada's chapter", owner_person=ada)

    shared = failing("https://example.org/shared")  # used by hers and Bob's
    use(shared, mine)
    use(shared, bobs)
    timed_out = failing("https://example.org/slow", Status.TIMED_OUT, None)
    use(timed_out, helpline, "website")
    gone = failing("https://example.org/gone-from-page", code=410)
    use(gone, chapter, "body › section › content › text")
    only_bobs = failing("https://example.org/bobs-only")
    use(only_bobs, bobs)
    working = Link.objects.create(url="https://example.org/fine", status=Status.WORKING, http_code=200)
    use(working, mine)
    blocked = Link.objects.create(url="https://example.org/blocked", status=Status.BLOCKED, http_code=403)
    use(blocked, mine)

    found = {item.url: item for item in failing_links_for(ada)}

    assert set(found) == {
        "https://example.org/shared",
        "https://example.org/slow",
        "https://example.org/gone-from-page",
    }
    assert found["https://example.org/shared"].objects == [
        (mine.title, f"/admin/snippets/cms/resource/edit/{mine.pk}/")
    ]
    assert found["https://example.org/shared"].status_label == "Broken"
    assert found["https://example.org/shared"].http_code == 404
    assert found["https://example.org/shared"].failing_since == SINCE
    assert found["https://example.org/slow"].status_label == "Timed out"
    assert found["https://example.org/slow"].http_code is None
    assert found["https://example.org/slow"].objects == [
        ("Team line (0800 000 000)", f"/admin/snippets/cms/helpline/edit/{helpline.pk}/")
    ]
    assert found["https://example.org/gone-from-page"].objects == [
        ("Ada's chapter", f"/admin/pages/{chapter.pk}/edit/")
    ]
    assert [item.url for item in failing_links_for(bob)] == [
        "https://example.org/bobs-only",
        "https://example.org/shared",
    ]


def test_nothing_for_someone_who_owns_nothing(people):
    ada, bob, team = people
    resource = make_resources(1)[0]
    link = failing("https://example.org/unowned")
    use(link, resource)
    assert failing_links_for(ada) == []


def test_queries_do_not_grow_with_the_number_of_links(people):
    ada, bob, team = people

    def add(count):
        resources = make_resources(count, owner_person=ada)
        for resource in resources:
            use(failing(f"https://example.org/{resource.key}/broken"), resource)
            chapter = make_chapter(f"Chapter for {resource.key}", owner_person=ada)
            use(failing(f"https://example.org/{resource.key}/in-page"), chapter, "body")

    add(2)
    with CaptureQueriesContext(connection) as few:
        assert len(failing_links_for(ada)) == 4
    add(8)
    with CaptureQueriesContext(connection) as many:
        assert len(failing_links_for(ada)) == 20
    assert len(many) == len(few)
