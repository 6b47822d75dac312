"""Imported questions arrive as drafts in the approval workflow: nothing a Moodle XML or
GIFT file brings reaches a learner's quiz until someone in Content approvers approves it."""

import io
import json
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import reverse
from wagtail.models import Revision

from cms.roles import CONTENT_APPROVERS
from quizzes.models import AgeBand, Behaviour, Question, Quiz, Vignette
from quizzes.snapshots import load_questions
from tests.workflow_helpers import approve, in_review, make_approver

pytestmark = pytest.mark.django_db

_SHARED = [Path(__file__).resolve().parents[3] / "shared", Path("/work/shared")]
MOODLE_FIXTURE = next(
    (p / "interop/moodle-xml/nested_categories_with_questions.xml" for p in _SHARED if p.is_dir()),
    _SHARED[0] / "interop/moodle-xml/nested_categories_with_questions.xml",
)
# The file's four true/false questions (its essay is skipped), read from the file by eye.
MOODLE_TEXTS = [
    "Testing Iota Question",
    "Testing Kappa Question",
    "Testing Lambda Question",
    "Testing Mu Question",
]
GIFT = """$CATEGORY: $course$/Safeguarding

::Lead:: Who do you tell first? {=Your safeguarding lead ~The parent}

::Proof:: No police action means no safeguarding action. {F}
"""


@pytest.fixture
def quiz():
    return Quiz.objects.create(title="Import target", slug="import-target")


@pytest.fixture
def editor():
    return get_user_model().objects.get(username="editor@example.org")


@pytest.fixture
def approver():
    return make_approver()


def assert_draft_submitted_by(obj, user):
    obj.refresh_from_db()
    assert obj.live is False
    assert list(Revision.objects.for_instance(obj).values_list("user", flat=True)) == [user.pk]
    state = in_review(obj)
    assert state is not None and state.requested_by == user


def test_the_real_moodle_file_arrives_as_drafts_sent_for_approval(quiz, editor, approver):
    out = io.StringIO()
    call_command(
        "import_questions", str(MOODLE_FIXTURE), quiz=quiz.slug, user="editor@example.org", stdout=out
    )
    assert "4 questions imported as drafts and sent for approval into 'import-target'" in out.getvalue()
    questions = list(Question.objects.filter(quiz=quiz).order_by("sort_order"))
    assert [q.text for q in questions] == MOODLE_TEXTS
    for question in questions:
        assert_draft_submitted_by(question, editor)
    assert load_questions(quiz) == []  # nothing is drawn yet

    for question in questions[:2]:
        approve(question, approver)
    assert [q.text for q in load_questions(quiz)] == MOODLE_TEXTS[:2]
    assert in_review(questions[0]) is None


def test_the_submitter_cannot_approve_her_own_import(quiz, editor):
    call_command(
        "import_questions",
        str(MOODLE_FIXTURE),
        quiz=quiz.slug,
        user="editor@example.org",
        stdout=io.StringIO(),
    )
    question = Question.objects.filter(quiz=quiz).first()
    editor.groups.add(Group.objects.get(name=CONTENT_APPROVERS))
    task = in_review(question).current_task_state.task.specific
    assert task.get_actions(question, editor) == []


def test_the_command_needs_a_known_importer_and_writes_nothing_without_one(quiz):
    before = Question.objects.count()
    with pytest.raises(CommandError, match="give your email with --user"):
        call_command("import_questions", str(MOODLE_FIXTURE), quiz=quiz.slug, stdout=io.StringIO())
    with pytest.raises(CommandError, match="No active user with the email 'nobody@example.org'"):
        call_command(
            "import_questions",
            str(MOODLE_FIXTURE),
            quiz=quiz.slug,
            user="nobody@example.org",
            stdout=io.StringIO(),
        )
    assert Question.objects.count() == before
    out = io.StringIO()
    call_command("import_questions", str(MOODLE_FIXTURE), quiz=quiz.slug, dry_run=True, stdout=out)
    assert "Dry run: 4 question(s)" in out.getvalue()


def test_gift_in_the_admin_arrives_as_drafts_and_says_so(quiz, editor, client):
    client.force_login(editor)
    url = reverse("quizzes_import", args=[quiz.pk])
    upload = io.BytesIO(GIFT.encode())
    upload.name = "questions.gift"
    preview = client.post(url, {"file": upload, "format": "gift"})
    done = client.post(url, {"token": preview.context["token"]}, follow=True)
    assert "2 questions imported as drafts and sent for approval" in done.content.decode()
    questions = list(Question.objects.filter(quiz=quiz))
    assert len(questions) == 2
    for question in questions:
        assert_draft_submitted_by(question, editor)
    assert load_questions(quiz) == []


def test_case_studies_and_behaviours_an_import_creates_are_drafts_too(quiz, editor, approver, client):
    band = AgeBand.objects.filter(band_set__current=True).first()
    existing = Behaviour.objects.filter(live=True).first()
    data = {
        "type": "traffic_light_sort",
        "key": "sort-new",
        "text": "Sort these.",
        "explanation": "Because.",
        "vignette": "new-case",
        "band": band.code,
        "behaviours": [
            {
                "key": "imported-new-behaviour",
                "text": "A new thing",
                "colour": "amber",
                "reasoning": "Why.",
                "practice": True,
            },
            {
                "key": existing.key,
                "text": existing.text,
                "colour": existing.colour,
                "reasoning": existing.reasoning,
            },
        ],
    }
    case = {
        "key": "new-case",
        "title": "A new case",
        "text": "What happened.",
        "agency": None,
        "age_band": None,
    }
    xml = (
        '<quiz><question type="multichoice"><name><text>Hub</text></name>'
        "<questiontext><text>Sort.</text></questiontext><single>true</single>"
        '<answer fraction="100"><text>Green</text></answer><answer fraction="0"><text>Red</text></answer>'
        f"<safeguarding_hub>{escape(json.dumps({**data, 'vignette_data': case}))}</safeguarding_hub>"
        "</question></quiz>"
    ).encode()
    from quizzes.interchange import moodle_xml
    from quizzes.interchange.plan import apply_plan

    plan = moodle_xml.parse(xml)
    assert [q["key"] for q in plan.questions] == ["sort-new"], plan.warnings
    apply_plan(quiz, plan, editor)
    new_behaviour = Behaviour.objects.get(key="imported-new-behaviour")
    assert_draft_submitted_by(new_behaviour, editor)
    assert_draft_submitted_by(Vignette.objects.get(quiz=quiz, key="new-case"), editor)
    existing.refresh_from_db()
    assert existing.live is True and in_review(existing) is None  # reused as it is
    practice = client.get(reverse("quizzes:practice", args=[band.code])).content.decode()
    assert "A new thing" not in practice
    approve(new_behaviour, approver)
    new_behaviour.refresh_from_db()
    assert new_behaviour.live is True
