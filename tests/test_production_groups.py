"""A production install has its content groups and two-person approval after `migrate` alone:
no demo command.

`migrate` runs in a fresh process with the production settings on an empty database (SQLite or
PostgreSQL, as the run), and a second process reads what each group may do (what cms gives it,
what courses and quizzes grant their own models, and nothing more; never publish) and which
workflow every page and shared snippet (training sessions among them) goes through."""

import json
import os

import pytest

from tests.cms.test_settings import PRODUCTION_ENV, run_manage

# Every quizzes model the admin edits, read from the live snippet registry, beside the
# group's permissions as the database holds them.
READ_GROUPS = """
import json
from django.contrib.auth.models import Group
from django.db import connection
from wagtail.models import (
    GroupCollectionPermission, GroupPagePermission, WorkflowContentType, WorkflowMixin, WorkflowPage,
)
from wagtail.snippets.models import get_snippet_models

def describe(name):
    group = Group.objects.get(name=name)
    return {
        "model": sorted(f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()),
        "page": sorted(
            f"{gpp.page.depth}:{gpp.permission.codename}"
            for gpp in GroupPagePermission.objects.filter(group=group)
        ),
        "collection": sorted(
            f"{gcp.collection.depth}:{gcp.permission.content_type.app_label}.{gcp.permission.codename}"
            for gcp in GroupCollectionPermission.objects.filter(group=group)
        ),
    }

root = WorkflowPage.objects.get(page__depth=1).workflow
print(json.dumps({
    "vendor": connection.vendor,
    "editors": describe("Content editors"),
    "approvers": describe("Content approvers"),
    "groups": sorted(Group.objects.values_list("name", flat=True)),
    "quiz_snippets": sorted(m._meta.model_name for m in get_snippet_models() if m._meta.app_label == "quizzes"),
    "workflow_snippets": sorted(
        m._meta.label_lower for m in get_snippet_models() if issubclass(m, WorkflowMixin)
    ),
    "snippet_workflows": {
        f"{w.content_type.app_label}.{w.content_type.model}": w.workflow.name
        for w in WorkflowContentType.objects.select_related("content_type", "workflow")
    },
    "root_workflow": root.name,
    "root_tasks": [
        {"type": t.specific_class.__name__, "groups": sorted(g.name for g in t.specific.groups.all())}
        for t in root.tasks.all()
    ],
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
def fresh(empty_database_url):
    env = {**PRODUCTION_ENV, "DATABASE_URL": empty_database_url}
    migrated = run_manage("migrate", "--no-input", env=env, timeout=900)
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    read = run_manage("shell", "-c", READ_GROUPS, env=env)
    assert read.returncode == 0, read.stderr
    return json.loads(read.stdout.strip().splitlines()[-1])


def test_the_install_is_made_on_the_database_this_run_tests(fresh):
    suite_on_postgres = os.environ.get("DATABASE_URL", "").startswith("postgres")
    assert fresh["vendor"] == ("postgresql" if suite_on_postgres else "sqlite")


def under_approval(fresh):
    """What both groups get on every snippet that goes through approval: never publish."""
    return [
        f"{label.split('.')[0]}.{action}_{label.split('.')[1]}"
        for label in fresh["workflow_snippets"]
        for action in ("add", "change", "delete", "lock", "unlock")
    ]


def test_migrate_makes_the_content_editors_group_with_what_each_app_grants(fresh):
    quizzes = [
        f"quizzes.{action}_{model}"
        for model in fresh["quiz_snippets"]
        for action in ("add", "change", "delete")
    ]
    assert sorted(fresh["editors"]["model"]) == sorted(set(CMS + COURSES + quizzes + under_approval(fresh)))
    # The quizzes registry is read, not listed: it holds quizzes and every question type,
    # never the attempts learners make.
    assert {"quiz", "vignette", "bandset", "behaviour", "trafficlightquestion"} <= set(fresh["quiz_snippets"])
    assert not {"attempt", "response"} & set(fresh["quiz_snippets"])


def test_migrate_makes_the_content_approvers_group_who_may_change_but_not_publish(fresh):
    assert sorted(fresh["approvers"]["model"]) == sorted(set(CMS + under_approval(fresh)))
    assert fresh["approvers"]["page"] == ["1:add_page", "1:change_page"]


def test_nobody_in_either_group_may_publish_and_wagtails_starter_groups_are_gone(fresh):
    for group in ("editors", "approvers"):
        assert not [p for p in fresh[group]["model"] + fresh[group]["page"] if "publish" in p]
    # The content groups, and the Trainers who take session registers (no admin access).
    assert fresh["groups"] == ["Content approvers", "Content editors", "Trainers"]


def test_every_page_and_every_shared_snippet_goes_through_two_person_approval(fresh):
    assert {
        "cms.resource",
        "cms.helpline",
        "cms.localcontact",
        "quizzes.quiz",
        "quizzes.vignette",
        "quizzes.behaviour",
        "quizzes.singlechoicequestion",
        "quizzes.trafficlightquestion",
        "training.trainingsession",
    } <= set(fresh["workflow_snippets"])
    assert fresh["snippet_workflows"] == {
        label: "Two-person approval" for label in fresh["workflow_snippets"]
    }
    assert fresh["root_workflow"] == "Two-person approval"
    assert fresh["root_tasks"] == [{"type": "TwoPersonApprovalTask", "groups": ["Content approvers"]}]


def test_editors_edit_every_page_and_use_every_image_and_document(fresh):
    assert fresh["editors"]["page"] == ["1:add_page", "1:change_page"]
    assert fresh["editors"]["collection"] == sorted(
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
