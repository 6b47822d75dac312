"""A production install has its content editors group after `migrate` alone: no demo command.

`migrate` runs in a fresh process with the production settings on an empty database, and a
second process reads what the group may do: what cms gives it, what courses and quizzes
grant their own models, and nothing more."""

import json

import pytest

from tests.cms.test_settings import PRODUCTION_ENV, run_manage

# Every quizzes model the admin edits, read from the live snippet registry, beside the
# group's permissions as the database holds them.
READ_GROUP = """
import json
from django.contrib.auth.models import Group
from wagtail.models import GroupCollectionPermission, GroupPagePermission
from wagtail.snippets.models import get_snippet_models
group = Group.objects.get(name="Content editors")
print(json.dumps({
    "model": sorted(f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()),
    "page": sorted(
        f"{gpp.page.depth}:{gpp.permission.codename}"
        for gpp in GroupPagePermission.objects.filter(group=group)
    ),
    "collection": sorted(
        f"{gcp.collection.depth}:{gcp.permission.content_type.app_label}.{gcp.permission.codename}"
        for gcp in GroupCollectionPermission.objects.filter(group=group)
    ),
    "quiz_snippets": sorted(m._meta.model_name for m in get_snippet_models() if m._meta.app_label == "quizzes"),
}))
"""

CMS = [
    "wagtailadmin.access_admin",
    "cms.add_resource",
    "cms.change_resource",
    "cms.delete_resource",
    "cms.add_helpline",
    "cms.change_helpline",
    "cms.delete_helpline",
]
COURSES = ["courses.add_surveyitem", "courses.change_surveyitem"]


@pytest.fixture(scope="module")
def editors(tmp_path_factory):
    database = tmp_path_factory.mktemp("fresh") / "db.sqlite3"
    env = {**PRODUCTION_ENV, "DATABASE_URL": f"sqlite:///{database}"}
    migrated = run_manage("migrate", "--no-input", env=env)
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    read = run_manage("shell", "-c", READ_GROUP, env=env)
    assert read.returncode == 0, read.stderr
    return json.loads(read.stdout.strip().splitlines()[-1])


def test_migrate_makes_the_content_editors_group_with_what_each_app_grants(editors):
    quizzes = [
        f"quizzes.{action}_{model}" for model in editors["quiz_snippets"] for action in ("add", "change", "delete")
    ]
    assert sorted(editors["model"]) == sorted(CMS + COURSES + quizzes)
    # The quizzes registry is read, not listed: it holds quizzes and every question type,
    # never the attempts learners make.
    assert {"quiz", "vignette", "bandset", "behaviour", "trafficlightquestion"} <= set(editors["quiz_snippets"])
    assert not {"attempt", "response"} & set(editors["quiz_snippets"])


def test_editors_edit_and_publish_every_page_and_use_every_image_and_document(editors):
    assert editors["page"] == ["1:add_page", "1:change_page", "1:publish_page"]
    assert editors["collection"] == sorted(
        f"1:{permission}"
        for permission in [
            "wagtailimages.add_image",
            "wagtailimages.change_image",
            "wagtailimages.choose_image",
            "wagtaildocs.add_document",
            "wagtaildocs.change_document",
            "wagtaildocs.choose_document",
        ]
    )
