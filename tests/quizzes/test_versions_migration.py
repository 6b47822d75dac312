"""Upgrading a database whose attempts and answers carry their snapshots: each then refers to
a stored question version, and reads back exactly as before (the questions an attempt showed;
the snapshot an answer showed, its mark and its feedback); the move can run again without
changing anything, and going back writes the snapshots as they were.

Each step runs in a fresh process on an empty SQLite database, as on a real upgrade:
migrate, take quizzes back to 0007, write answers as the 0007 models had them, migrate
forward and read the result, run the move again at 0009, go back to 0007 and read the
snapshots. `UPGRADE_DATABASE_URL` runs the same steps on another database
(an empty PostgreSQL one, say)."""

import json
import os

import pytest

from tests.cms.test_settings import run_manage

pytestmark = pytest.mark.own_sqlite

BEFORE = "0007_drafts_and_workflow"

# Everything migrated, quizzes taken back to 0007; two attempts at one quiz (so answers share
# versions), answered right, wrong and partly, saved as the 0007 models saved them.
WRITE_OLD_ANSWERS = """
import json
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models.signals import post_save
from wagtail.models import Page
from cms.models import Agency
from courses.models import CoursePage, Enrolment
from quizzes import draws
from quizzes.scoring import mark, model_answer
from quizzes.templatetags.quiz_tags import left_blank
from tests.factories import SAMPLE_QUESTIONS, make_quiz

call_command("migrate", verbosity=0)
call_command("migrate", "quizzes", "%(before)s", verbosity=0)
apps = MigrationExecutor(connection).loader.project_state(("quizzes", "%(before)s")).apps
# At this old schema the coverage and state marks' tables do not exist yet: the receivers that
# count a new account or enrolment into them (`workforce.apps`) are set aside while writing.
post_save.disconnect(sender=get_user_model(), dispatch_uid="coverage_email")
post_save.disconnect(sender=Enrolment, dispatch_uid="states_learning")
Attempt = apps.get_model("quizzes", "Attempt")
Response = apps.get_model("quizzes", "Response")

agency = Agency.objects.create(code="housing", name="Housing")
course = Page.objects.get(depth=1).add_child(instance=CoursePage(title="Old course", slug="old-course"))
kinds = {"single_choice", "multiple_response", "true_false", "spot_indicators", "order", "matching"}
quiz = make_quiz(course, [dict(q, chapter=None) for q in SAMPLE_QUESTIONS if q["type"] in kinds])
expected, drawn = [], {}
for number, style in enumerate(["right", "mixed"], 1):
    learner = get_user_model().objects.create(username=f"old{number}@example.org")
    enrolment = Enrolment.objects.create(learner=learner, course=course, agency=agency)
    questions, seed = draws.draw(quiz)
    attempt = Attempt.objects.create(
        learner_id=learner.pk, quiz_id=quiz.pk, enrolment_id=enrolment.pk, questions=questions, seed=seed
    )
    drawn[attempt.pk] = questions
    for position, snapshot in enumerate(questions, 1):
        answer = model_answer(snapshot)
        if style == "mixed" and position %% 3 == 1:
            answer = {}
        elif style == "mixed" and position %% 3 == 2 and "choices" in answer:
            answer = {"choices": answer["choices"][:1]}
        marked = mark(snapshot, answer)
        old = Response.objects.create(
            attempt_id=attempt.pk, question_id=snapshot["question_id"], position=position,
            question_type=snapshot["type"], snapshot=snapshot, answer=answer,
            score=round(marked.score.numerator / marked.score.denominator, 4), points=snapshot["points"],
        )
        old.shown_snapshot = snapshot
        expected.append({
            "id": old.pk, "snapshot": snapshot, "score": str(marked.score), "right": marked.right,
            "parts": marked.parts, "blank": left_blank(old),
        })
print(json.dumps({"answers": expected, "attempts": drawn}))
"""

READ = """
import json
from quizzes.models import Attempt, QuestionVersion, Response
from quizzes.scoring import mark
from quizzes.templatetags.quiz_tags import left_blank
answers = []
for response in Response.objects.select_related("version").order_by("pk"):
    marked = mark(response.shown_snapshot, response.answer)
    answers.append({
        "id": response.pk, "snapshot": response.shown_snapshot, "score": str(marked.score),
        "right": marked.right, "parts": marked.parts, "blank": left_blank(response),
    })
attempts = {attempt.pk: attempt.questions for attempt in Attempt.objects.all()}
print(json.dumps({"answers": answers, "attempts": attempts, "versions": QuestionVersion.objects.count()}))
"""

# The move again, at 0009, on answers that have their versions already: nothing may change.
MOVE_AGAIN = """
import importlib, json
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from quizzes.models import QuestionVersion, Response
before = sorted(Response.objects.values_list("pk", "version_id", "part_ids"))
move = importlib.import_module("quizzes.migrations.0009_move_snapshots_to_versions")
state = MigrationExecutor(connection).loader.project_state(("quizzes", "0009_move_snapshots_to_versions"))
move.to_versions(state.apps, None)
after = sorted(Response.objects.values_list("pk", "version_id", "part_ids"))
print(json.dumps({"unchanged": before == after, "versions": QuestionVersion.objects.count()}))
"""

READ_OLD = """
import json
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
apps = MigrationExecutor(connection).loader.project_state(("quizzes", "%(before)s")).apps
Response = apps.get_model("quizzes", "Response")
Attempt = apps.get_model("quizzes", "Attempt")
print(json.dumps({
    "answers": [{"id": r.pk, "snapshot": r.snapshot} for r in Response.objects.order_by("pk")],
    "attempts": {attempt.pk: attempt.questions for attempt in Attempt.objects.all()},
}))
"""


def last_line(result):
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def upgrade(tmp_path_factory):
    url = os.environ.get("UPGRADE_DATABASE_URL") or "sqlite:///{}".format(
        tmp_path_factory.mktemp("upgrade") / "db.sqlite3"
    )
    env = {"DJANGO_SETTINGS_MODULE": "cms.settings.test", "DATABASE_URL": url}

    def shell(script, **values):
        return last_line(run_manage("shell", "-c", script % {"before": BEFORE, **values}, env=env, timeout=1200))

    def migrate(*target):
        result = run_manage("migrate", *target, "--no-input", env=env, timeout=1200)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]

    return shell, migrate


def test_answers_read_back_identical_after_the_move_and_before_it_again(upgrade):
    shell, migrate = upgrade
    written = shell(WRITE_OLD_ANSWERS)
    expected = written["answers"]
    assert len(expected) == 12 and len(written["attempts"]) == 2 and {e["right"] for e in expected} == {True, False}
    assert any(e["blank"] for e in expected) and not all(e["blank"] for e in expected)
    migrate()

    moved = shell(READ)
    assert moved["answers"] == expected
    assert moved["attempts"] == written["attempts"]
    # two attempts at the same six questions, with different random part ids: six versions
    assert moved["versions"] == 6
    migrate("quizzes", "0009_move_snapshots_to_versions")
    assert shell(MOVE_AGAIN) == {"unchanged": True, "versions": 6}

    migrate("quizzes", BEFORE)
    restored = shell(READ_OLD)
    assert restored["answers"] == [{"id": e["id"], "snapshot": e["snapshot"]} for e in expected]
    assert restored["attempts"] == written["attempts"]
