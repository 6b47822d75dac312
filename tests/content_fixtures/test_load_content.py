"""`load_content`: idempotent, updates what changed, and all-or-nothing on bad files."""

import io

import pytest
import yaml
from django.core.management import CommandError, call_command
from wagtail.models import Page, Revision

from cms.models import Agency, ChapterPage, Helpline, Resource
from content_fixtures.management.commands.seed_demo import DEMO_BROKEN_RESOURCE
from content_fixtures.models import LoadedItem
from tests.content_fixtures.conftest import DATA

pytestmark = pytest.mark.django_db


def counts():
    return {
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "resources": Resource.objects.count(),
        "helplines": Helpline.objects.count(),
        "agencies": Agency.objects.count(),
        "records": LoadedItem.objects.count(),
    }


def load(data_dir=DATA):
    out = io.StringIO()
    call_command("load_content", data_dir=data_dir, stdout=out)
    return out.getvalue()


def edit_yaml(path, change):
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


def test_the_shipped_content_is_all_loaded():
    chapter_files = list((DATA / "chapters").glob("*.yaml"))
    resources = sum(len(yaml.safe_load(p.read_text())) for p in DATA.glob("resources*.yaml"))
    assert ChapterPage.objects.live().count() == len(chapter_files)
    # seed_demo (run for the suite) adds one demo resource of its own, not shipped content.
    assert Resource.objects.exclude(key=DEMO_BROKEN_RESOURCE["key"]).count() == resources
    assert Helpline.objects.count() == len(yaml.safe_load((DATA / "helplines.yaml").read_text()))
    assert list(Agency.objects.values_list("code", flat=True)) == [
        "health",
        "police",
        "education",
        "housing",
        "probation",
        "yos",
        "vcs",
        "csc",
        "adult",
        "carers",
        "other",
    ]


def test_a_second_run_changes_nothing():
    before = counts()
    latest = Revision.objects.order_by("-pk").values_list("pk", flat=True).first()
    assert "nothing changed" in load()
    assert counts() == before
    assert Revision.objects.order_by("-pk").values_list("pk", flat=True).first() == latest


def test_a_changed_chapter_file_updates_its_page_with_a_new_revision(data_copy):
    path = next((data_copy / "chapters").glob("*-trauma.yaml"))
    edit_yaml(path, lambda d: d.update(introduction="A revised introduction for trauma."))
    page = ChapterPage.objects.get(slug="trauma")
    revisions_before = page.revisions.count()
    others_before = {p.pk: p.latest_revision_id for p in ChapterPage.objects.exclude(pk=page.pk)}
    pages_before = Page.objects.count()

    assert "1 chapter updated" in load(data_copy)

    page.refresh_from_db()
    assert page.introduction == "A revised introduction for trauma."
    assert page.revisions.count() == revisions_before + 1
    assert page.live and not page.has_unpublished_changes
    assert Page.objects.count() == pages_before
    assert {p.pk: p.latest_revision_id for p in ChapterPage.objects.exclude(pk=page.pk)} == (others_before)
    assert "nothing changed" in load(data_copy)


def test_a_changed_resource_updates_in_place(data_copy):
    def retitle(resources):
        resources[0]["title"] = "Renamed resource"

    path = data_copy / "resources.yaml"
    edit_yaml(path, lambda d: retitle(d))
    key = yaml.safe_load(path.read_text())[0]["key"]
    before = Resource.objects.count()
    load(data_copy)
    assert Resource.objects.get(key=key).title == "Renamed resource"
    assert Resource.objects.count() == before


def test_an_unchanged_file_does_not_undo_an_editors_change():
    page = ChapterPage.objects.get(slug="trauma")
    page.introduction = "Edited in the admin."
    page.save_revision().publish()
    load()
    page.refresh_from_db()
    assert page.introduction == "Edited in the admin."


def test_html_in_data_files_is_sanitised(data_copy):
    path = next((data_copy / "chapters").glob("*-trauma.yaml"))
    hostile = (
        '<p onclick="x()">Safe words<script>alert(1)</script><a href="javascript:alert(2)">bad link</a></p>'
    )
    edit_yaml(path, lambda d: d["sections"][0]["blocks"].insert(0, {"type": "text", "html": hostile}))
    edit_yaml(path, lambda d: d.update(title="Trauma <b>bold</b><script>x</script>"))
    load(data_copy)
    page = ChapterPage.objects.get(slug="trauma")
    assert page.title == "Trauma bold"
    first = page.body[0].value["content"][0].value.source
    assert "Safe words" in first
    for bad in ("<script", "onclick", "javascript:", "alert(1)"):
        assert bad not in first


BROKEN = {
    "not YAML": lambda p: p.write_text("slug: [unclosed\n"),
    "not a mapping": lambda p: p.write_text("- just\n- a list\n"),
    "missing title": lambda p: edit_yaml(p, lambda d: d.pop("title")),
    "unknown block": lambda p: edit_yaml(
        p, lambda d: d["sections"][0]["blocks"].append({"type": "video", "url": "x"})
    ),
    "unknown resource": lambda p: edit_yaml(
        p, lambda d: d["sections"][0]["blocks"].append({"type": "resources", "items": ["no-such-resource"]})
    ),
    "bad category": lambda p: edit_yaml(
        p,
        lambda d: d["sections"][0]["blocks"].append(
            {"type": "indicators", "groups": [{"category": "gossip", "items": ["x"]}]}
        ),
    ),
    "oversized": lambda p: p.write_text("introduction: " + "x" * 600_000),
    "binary": lambda p: p.write_bytes(b"\xff\xfe\x00bad"),
}


@pytest.mark.parametrize("problem", BROKEN)
def test_a_broken_file_stops_the_load_names_the_file_and_writes_nothing(data_copy, problem):
    # A good change in one file must not land when another file is broken.
    edit_yaml(
        next((data_copy / "chapters").glob("*-trauma.yaml")),
        lambda d: d.update(introduction="Should never be saved."),
    )
    broken = next((data_copy / "chapters").glob("*-safety-planning.yaml"))
    BROKEN[problem](broken)
    before = counts()
    with pytest.raises(CommandError) as raised:
        load(data_copy)
    assert f"chapters/{broken.name}" in str(raised.value)
    assert "Nothing was loaded" in str(raised.value)
    assert counts() == before
    assert ChapterPage.objects.get(slug="trauma").introduction != "Should never be saved."


def test_a_lesson_pointing_at_a_missing_toolkit_section_is_refused(data_copy):
    path = next((data_copy / "courses").glob("*-core.yaml"))
    edit_yaml(
        path,
        lambda d: d["lessons"][0]["sections"][0]["blocks"].append(
            {"type": "chapter_section", "chapter": "trauma", "section": "No such heading"}
        ),
    )
    before = counts()
    with pytest.raises(CommandError, match=r"courses/01-core.yaml.*no section headed 'No such heading'"):
        load(data_copy)
    assert counts() == before


def test_a_changed_lesson_gets_a_new_revision_and_nothing_else_changes(data_copy):
    from courses.models import LessonPage

    path = next((data_copy / "courses").glob("*-housing.yaml"))
    edit_yaml(path, lambda d: d["lessons"][1].update(title="A retitled housing lesson"))
    before = counts()
    assert "1 lesson updated" in load(data_copy)
    lesson = LessonPage.objects.get(title="A retitled housing lesson")
    assert lesson.get_parent().slug == "housing"
    after = counts()
    assert after["revisions"] == before["revisions"] + 1
    assert after["pages"] == before["pages"]


def test_the_shipped_courses_and_survey_are_loaded():
    from courses.models import CoursePage, LessonPage, SurveyItem

    files = sorted((DATA / "courses").glob("*.yaml"))
    assert CoursePage.objects.count() == len(files)
    expected_lessons = sum(len(yaml.safe_load(p.read_text())["lessons"]) for p in files)
    assert LessonPage.objects.count() == expected_lessons
    items = yaml.safe_load((DATA / "survey.yaml").read_text())["items"]
    assert list(SurveyItem.objects.values_list("code", flat=True)) == [i["code"] for i in items]
    assert len(items) == 8


def test_a_failure_while_writing_rolls_everything_back(data_copy, monkeypatch):
    edit_yaml(
        next((data_copy / "chapters").glob("*-trauma.yaml")),
        lambda d: d.update(introduction="Half-way change."),
    )
    from content_fixtures.loader import Loader

    def explode(self, toolkit):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Loader, "load_search_promotions", explode)
    before = counts()
    with pytest.raises(RuntimeError):
        load(data_copy)
    assert counts() == before
    assert ChapterPage.objects.get(slug="trauma").introduction != "Half-way change."


def test_a_missing_data_directory_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="no such data directory"):
        load(tmp_path / "nowhere")
