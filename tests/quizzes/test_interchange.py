"""Moodle XML and GIFT: the real Moodle file, hostile files, and the round trip."""

import base64
import io
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.core.management import CommandError, call_command
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.images import get_image_model

from quizzes.interchange import gift, moodle_xml
from quizzes.interchange.data import quiz_to_data
from quizzes.interchange.plan import ImportError_, apply_plan
from quizzes.models import Question, Quiz
from tests.factories import SAMPLE_QUESTIONS, make_course, make_quiz
from tests.workflow_helpers import approve_all

pytestmark = pytest.mark.django_db

# The workplace's shared folder sits beside the repository in CI; a clone elsewhere on a
# workplace machine finds it at its usual place.
_SHARED = [Path(__file__).resolve().parents[3] / "shared", Path("/work/shared")]
MOODLE_FIXTURE = next(
    (p / "interop/moodle-xml/nested_categories_with_questions.xml" for p in _SHARED if p.is_dir()),
    _SHARED[0] / "interop/moodle-xml/nested_categories_with_questions.xml",
)


EDITOR = "editor@example.org"  # the demo editor, who imports (and submits the drafts)


@pytest.fixture
def quiz():
    return Quiz.objects.create(title="Import target", slug="import-target")


def import_counts():
    return Question.objects.count(), get_image_model().objects.count()


def test_the_real_moodle_file_imports_its_true_false_questions_with_tags(quiz):
    plan = moodle_xml.parse(MOODLE_FIXTURE.read_bytes())
    assert plan.skipped == ["Essay: “Kappa Essay Question”"]
    created = apply_plan(quiz, plan)
    assert [(q.text, q.correct) for q in created] == [
        ("Testing Iota Question", True),
        ("Testing Kappa Question", True),
        ("Testing Lambda Question", True),
        ("Testing Mu Question", True),
    ]
    saved = [Question.objects.get(pk=q.pk) for q in created]
    assert [list(q.tags.names()) for q in saved] == [
        ["Iota"],
        ["Iota/Kappa"],
        ["Iota/Kappa/Lambda"],
        ["Iota/Mu"],
    ]


def test_multichoice_and_matching_from_a_moodle_file_we_wrote(quiz):
    xml = b"""<?xml version="1.0"?><quiz>
      <question type="multichoice"><name><text>Tell</text></name>
        <questiontext format="html"><text><![CDATA[<p>Who do you tell <b>first</b>?</p>]]></text></questiontext>
        <generalfeedback><text>Your lead.</text></generalfeedback><single>true</single>
        <answer fraction="100"><text>Safeguarding lead</text><feedback><text>Yes</text></feedback></answer>
        <answer fraction="0"><text>Nobody</text></answer></question>
      <question type="multichoice"><name><text>Signs</text></name>
        <questiontext><text>Which are signs?</text></questiontext><single>false</single>
        <answer fraction="50"><text>Gifts</text></answer><answer fraction="50"><text>Missing</text></answer>
        <answer fraction="-100"><text>Football</text></answer></question>
      <question type="matching"><name><text>Terms</text></name><questiontext><text>Match</text></questiontext>
        <subquestion><text>CSE</text><answer><text>Exploitation</text></answer></subquestion>
        <subquestion><text>HSB</text><answer><text>Harmful behaviour</text></answer></subquestion>
        <subquestion><text></text><answer><text>A distractor</text></answer></subquestion></question>
      <question type="multianswer"><name><text>Cloze</text></name><questiontext><text>{1:SA:=x}</text></questiontext></question>
      <question type="calculated"><name><text>Sum</text></name><questiontext><text>1+1</text></questiontext></question>
    </quiz>"""
    plan = moodle_xml.parse(xml)
    assert plan.skipped == ["Cloze (embedded answers): “Cloze”", "Calculated: “Sum”"]
    assert any("distractor" in w for w in plan.warnings)
    created = apply_plan(quiz, plan)
    single, multi, matching = created
    assert single.type_code == "single_choice" and single.text == "Who do you tell first?"
    assert [(o.text, o.correct, o.feedback) for o in single.options.all()] == [
        ("Safeguarding lead", True, "Yes"),
        ("Nobody", False, ""),
    ]
    assert multi.type_code == "multiple_response"
    assert [o.correct for o in multi.options.all()] == [True, True, False]
    assert [(p.term, p.definition) for p in matching.pairs.all()] == [
        ("CSE", "Exploitation"),
        ("HSB", "Harmful behaviour"),
    ]


def png_bytes():
    buffer = io.BytesIO()
    PILImage.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


def test_embedded_images_are_kept_or_dropped_with_a_warning(quiz):
    good = base64.b64encode(png_bytes()).decode()
    xml = f"""<quiz><question type="truefalse"><name><text>Pic</text></name>
      <questiontext format="html"><text>Look at the picture.</text>
        <file name="chart.png" encoding="base64">{good}</file>
        <file name="second.png" encoding="base64">{good}</file></questiontext>
      <answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer></question>
      <question type="truefalse"><name><text>Broken</text></name>
      <questiontext><text>Broken picture.</text><file name="x.png" encoding="base64">bm90IGFuIGltYWdl</file></questiontext>
      <answer fraction="0"><text>true</text></answer><answer fraction="100"><text>false</text></answer></question>
      <question type="truefalse"><name><text>Svg</text></name>
      <questiontext><text>Svg.</text><file name="x.svg" encoding="base64">PHN2Zy8+</file></questiontext>
      <answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer></question></quiz>"""
    plan = moodle_xml.parse(xml.encode())
    warnings = " ".join(plan.warnings)
    assert "“second.png” was dropped" in warnings
    assert "“x.png” is not a readable image" in warnings
    assert "“x.svg” is not a PNG, JPEG or GIF" in warnings
    images_before = get_image_model().objects.count()
    created = apply_plan(quiz, plan)
    assert created[0].image is not None and created[0].image.title == "Pic"
    assert created[1].image is None and created[2].image is None
    assert get_image_model().objects.count() == images_before + 1


HOSTILE = {
    "malformed": (b"<quiz><question type='truefalse'>", "not a valid Moodle XML file"),
    "not a quiz": (b"<html><body>hello</body></html>", "should start with <quiz>"),
    "entity bomb": (
        b"""<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">
        <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
        <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
        <quiz><question type="truefalse"><name><text>&lol3;</text></name></question></quiz>""",
        "DTD or entities",
    ),
    "external entity": (
        b"""<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
        <quiz><question type="truefalse"><name><text>&xxe;</text></name></question></quiz>""",
        "DTD or entities",
    ),
    "twenty megabytes": (b"<quiz>" + b" " * (20 * 1024 * 1024) + b"</quiz>", "largest that can be imported"),
    "empty": (b"", "The file is empty."),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_moodle_files_give_a_clear_message_and_create_nothing(quiz, case, tmp_path):
    content, message = HOSTILE[case]
    before = import_counts()
    with pytest.raises(ImportError_, match=message):
        moodle_xml.parse(content)
    path = tmp_path / "hostile.xml"
    path.write_bytes(content)
    with pytest.raises(CommandError):
        call_command("import_questions", str(path), quiz=quiz.slug, user=EDITOR, stdout=io.StringIO())
    assert import_counts() == before


GIFT_ERRORS = {
    "unclosed answers": "::Q:: Who? {=Lead ~Nobody\n",
    "closing without opening": "::Q:: Who? =Lead ~Nobody}\n",
    "unclosed title": "::Q Who? {=Lead ~Nobody}\n",
    "answer without mark": "::Q:: Who? {Lead Nobody ~x}\n",
    "no right answer": "::Q:: Who? {~Lead ~Nobody}\n",
    "bad matching": "::Q:: Match {=CSE -> exploitation ~HSB}\n",
}


@pytest.mark.parametrize("case", GIFT_ERRORS)
def test_gift_syntax_errors_name_the_line_and_create_nothing(quiz, case, tmp_path):
    source = "// a comment\n\n" + GIFT_ERRORS[case]
    with pytest.raises(ImportError_, match="Line 3"):
        gift.parse(source.encode())
    path = tmp_path / "broken.gift"
    path.write_text(source)
    before = import_counts()
    with pytest.raises(CommandError, match="Line 3"):
        call_command("import_questions", str(path), quiz=quiz.slug, user=EDITOR, stdout=io.StringIO())
    assert import_counts() == before


def test_gift_imports_every_supported_type_with_categories_as_tags(quiz, tmp_path):
    source = """$CATEGORY: $course$/Safeguarding/Procedures

::Lead:: Who do you tell first? {=Your safeguarding lead#Right ~The parent#No ####Your lead, the same day.}

::Proof:: No police action means no safeguarding action. {F####Balance of probabilities.}

::Terms:: Match the terms. {=CSE -> exploitation =HSB -> harmful sexual behaviour}

::Signs:: Which are signs? {~%50%Gifts ~%50%Going missing ~%-100%Good attendance}

::Essay:: Describe a disclosure. {}
"""
    path = tmp_path / "questions.gift"
    path.write_text(source)
    out = io.StringIO()
    call_command("import_questions", str(path), quiz=quiz.slug, dry_run=True, stdout=out)
    assert "Dry run: 4 question(s)" in out.getvalue() and "skipped: Essay" in out.getvalue()
    assert not quiz.questions.exists()
    call_command("import_questions", str(path), quiz=quiz.slug, user=EDITOR, stdout=io.StringIO())
    questions = list(Question.objects.filter(quiz=quiz).order_by("sort_order"))
    assert [q.type_code for q in questions] == [
        "single_choice",
        "true_false",
        "matching",
        "multiple_response",
    ]
    assert questions[0].explanation == "Your lead, the same day."
    assert questions[1].correct is False
    assert {tag for q in questions for tag in q.tags.names()} == {"Safeguarding/Procedures"}


def test_export_then_import_gives_back_the_same_questions():
    source = make_quiz(make_course(lessons=1), SAMPLE_QUESTIONS)
    vignettes = {}
    exported = moodle_xml.export(source, quiz_to_data(source), vignettes)
    target = Quiz.objects.create(title="Copy", slug="copy-of-sample")
    approve_all(apply_plan(target, moodle_xml.parse(exported)))
    assert quiz_to_data(target) == quiz_to_data(source)


def test_the_shipped_core_quiz_round_trips_with_its_vignettes():
    source = Quiz.objects.get(slug="core-quiz")
    vignettes = {
        v.key: {
            "title": v.title,
            "text": v.text,
            "agency": v.agency.code if v.agency else None,
            "age_band": v.age_band.code if v.age_band else None,
        }
        for v in source.vignettes.all()
    }
    exported = moodle_xml.export(source, quiz_to_data(source), vignettes)
    assert b"<safeguarding_hub>" in exported
    target = Quiz.objects.create(title="Copy", slug="copy-of-core")
    approve_all(apply_plan(target, moodle_xml.parse(exported)))
    assert quiz_to_data(target) == quiz_to_data(source)
    assert sorted(target.vignettes.values_list("key", "title")) == sorted(
        source.vignettes.values_list("key", "title")
    )


def test_exported_xml_is_also_plain_moodle(client):
    """Without our data element, Moodle's own view of the export still imports sensibly."""
    import re

    source = make_quiz(make_course(lessons=1), SAMPLE_QUESTIONS)
    exported = moodle_xml.export(source, quiz_to_data(source), {})
    plain = re.sub(rb"<safeguarding_hub>.*?</safeguarding_hub>", b"", exported, flags=re.S)
    plan = moodle_xml.parse(plain)
    assert len(plan.questions) == len(SAMPLE_QUESTIONS)
    assert {q["type"] for q in plan.questions} == {
        "single_choice",
        "multiple_response",
        "true_false",
        "matching",
    }


class TestAdminImport:
    def test_upload_preview_then_confirm(self, client):
        from django.contrib.auth import get_user_model

        client.force_login(get_user_model().objects.get(username="editor@example.org"))
        quiz = Quiz.objects.create(title="Admin import", slug="admin-import")
        url = reverse("quizzes_import", args=[quiz.pk])
        upload = io.BytesIO(MOODLE_FIXTURE.read_bytes())
        upload.name = "questions.xml"
        preview = client.post(url, {"file": upload, "format": "moodlexml"})
        assert preview.status_code == 200
        text = preview.content.decode()
        assert "4 questions will be added" in text and "Kappa Essay Question" in text
        assert not quiz.questions.exists()
        token = preview.context["token"]
        done = client.post(url, {"token": token})
        assert done.status_code == 302
        assert quiz.questions.count() == 4
        assert client.post(url, {"token": "forged:value"}).status_code == 302
        assert quiz.questions.count() == 4

    def test_a_bad_upload_shows_the_problem(self, client):
        from django.contrib.auth import get_user_model

        client.force_login(get_user_model().objects.get(username="editor@example.org"))
        quiz = Quiz.objects.create(title="Admin import 2", slug="admin-import-2")
        upload = io.BytesIO(b"<quiz><oops")
        upload.name = "bad.xml"
        response = client.post(
            reverse("quizzes_import", args=[quiz.pk]), {"file": upload, "format": "moodlexml"}
        )
        assert "not a valid Moodle XML file" in response.content.decode()
        assert not quiz.questions.exists()

    def test_learners_cannot_reach_the_import(self, client):
        from tests.factories import make_learner

        client.force_login(make_learner())
        quiz = Quiz.objects.create(title="Admin import 3", slug="admin-import-3")
        response = client.get(reverse("quizzes_import", args=[quiz.pk]))
        assert response.status_code in (302, 403)


# -- every bad import ends in a clear message, writes nothing and leaves no file ------------


def editor_client(client):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="editor@example.org"))
    return client


def written():
    """Everything an import can write: questions, vignettes, behaviours, tags, image rows
    and image files."""
    from django.conf import settings
    from taggit.models import Tag

    from quizzes.models import Behaviour, Vignette

    media = Path(settings.MEDIA_ROOT)
    files = sorted(str(p) for p in media.rglob("*") if p.is_file()) if media.exists() else []
    return (
        Question.objects.count(),
        Vignette.objects.count(),
        Behaviour.objects.count(),
        Tag.objects.count(),
        get_image_model().objects.count(),
        files,
    )


def upload(client, quiz, content, name="questions.xml", fmt="moodlexml"):
    file = io.BytesIO(content)
    file.name = name
    return client.post(reverse("quizzes_import", args=[quiz.pk]), {"file": file, "format": fmt})


def payload_question(data, *, image=False):
    """A Moodle XML question carrying our own data, as an export from here would."""
    import json
    from xml.sax.saxutils import escape

    picture = (
        f'<file name="chart.png" encoding="base64">{base64.b64encode(png_bytes()).decode()}</file>'
        if image
        else ""
    )
    return (
        '<question type="multichoice"><name><text>From the hub</text></name>'
        f"<questiontext><text>Which colour?</text>{picture}</questiontext><single>true</single>"
        '<answer fraction="100"><text>Green</text></answer><answer fraction="0"><text>Red</text></answer>'
        f"<safeguarding_hub>{escape(json.dumps(data))}</safeguarding_hub></question>"
    )


def traffic_light(behaviour, key="imported-light"):
    return {
        "type": "traffic_light",
        "key": key,
        "text": "A child of seven does this. Which colour?",
        "explanation": "Because.",
        "behaviour": behaviour,
    }


@pytest.mark.parametrize("grade", ["abc", "inf", "-inf", "nan", "1e400", "1e10", "-5"])
def test_a_default_grade_that_is_not_a_sensible_number_skips_the_question(quiz, client, tmp_path, grade):
    xml = f"""<quiz><question type="truefalse"><name><text>Graded</text></name>
      <questiontext><text>Is it?</text></questiontext><defaultgrade>{grade}</defaultgrade>
      <answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer>
      </question></quiz>""".encode()
    plan = moodle_xml.parse(xml)
    assert plan.questions == []
    assert f"“Graded” was skipped: its default grade “{grade}” is not a number from 0 to 100" in plan.warnings
    before = written()
    response = upload(editor_client(client), quiz, xml)
    assert response.status_code == 200
    assert "its default grade" in response.content.decode()
    path = tmp_path / "graded.xml"
    path.write_bytes(xml)
    out = io.StringIO()
    call_command("import_questions", str(path), quiz=quiz.slug, user=EDITOR, stdout=out)
    assert "0 questions imported as drafts and sent for approval" in out.getvalue()
    assert written()[:5] == before[:5]


def test_a_default_grade_in_range_sets_the_points(quiz):
    xml = b"""<quiz><question type="truefalse"><name><text>Graded</text></name>
      <questiontext><text>Is it?</text></questiontext><defaultgrade>2.6</defaultgrade>
      <answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer>
      </question></quiz>"""
    assert moodle_xml.parse(xml).questions[0]["points"] == 3


def test_a_payload_naming_an_unknown_age_band_is_refused_at_preview_and_at_confirm(quiz, client):
    behaviour = {"key": "imported-behaviour", "band": "99-100", "text": "Waves.", "colour": "green"}
    xml = f"<quiz>{payload_question(traffic_light(behaviour), image=True)}</quiz>".encode()
    plan = moodle_xml.parse(xml)
    assert any("unknown age band '99-100'" in w for w in plan.warnings)
    assert [q["type"] for q in plan.questions] == ["single_choice"]  # as Moodle saw it

    # A plan made while the band existed, confirmed after it went: nothing stays behind.
    from quizzes.interchange.data import QuestionDataError

    stale = moodle_xml.parse(xml)
    stale.questions = [{**traffic_light(behaviour), "image": plan.questions[0]["image"], "tags": []}]
    before = written()
    with pytest.raises(QuestionDataError, match="unknown age band"):
        apply_plan(quiz, stale)
    assert written() == before


def test_a_payload_vignette_is_sanitised_and_checked(quiz):
    data = {
        "type": "true_false",
        "key": "with-vignette",
        "text": "Is it?",
        "correct": True,
        "vignette": "case",
        "vignette_data": {
            "title": "<script>alert(1)</script>Sam's <b>day</b>",
            "text": "<img src=x onerror=alert(1)>Sam is 7.",
        },
    }
    apply_plan(quiz, moodle_xml.parse(f"<quiz>{payload_question(data)}</quiz>".encode()))
    vignette = quiz.vignettes.get(key="case")
    assert (vignette.title, vignette.text) == ("Sam's day", "Sam is 7.")

    for bad in ({"title": "x" * 201, "text": "Long title."}, {"title": "Case", "text": "t", "agency": ["a"]}):
        data = {**data, "key": "bad-vignette", "vignette": "other", "vignette_data": bad}
        plan = moodle_xml.parse(f"<quiz>{payload_question(data)}</quiz>".encode())
        assert plan.vignettes == {}
        assert any("its case study was dropped" in w for w in plan.warnings)
        apply_plan(quiz, plan)
    assert not quiz.vignettes.filter(key="other").exists()


def test_gift_answers_containing_html_are_not_split_at_its_equals_signs(quiz):
    source = (
        '::Lead:: [html]Who do you <b>tell</b>? {=<span style="color:red">Your lead</span> '
        '~<a href="x">The parent</a>}\n'
    )
    plan = gift.parse(source.encode())
    options = plan.questions[0]["options"]
    assert [(o["text"], o["correct"]) for o in options] == [("Your lead", True), ("The parent", False)]
    created = apply_plan(quiz, plan)
    assert [o.text for o in created[0].options.all()] == ["Your lead", "The parent"]
    assert created[0].text == "Who do you tell?"


def test_an_unconfirmed_preview_upload_older_than_a_day_is_removed(quiz, client):
    import os
    import time

    from django.conf import settings

    editor_client(client)
    uploads = Path(settings.MEDIA_ROOT) / "import-uploads"
    call_command("remove_stale_import_uploads", stdout=io.StringIO())
    earlier = set(uploads.iterdir()) if uploads.exists() else set()
    upload(client, quiz, MOODLE_FIXTURE.read_bytes())
    [old] = set(uploads.iterdir()) - earlier
    day_and_a_minute_ago = time.time() - 24 * 3600 - 60
    os.utime(old, (day_and_a_minute_ago, day_and_a_minute_ago))
    upload(client, quiz, MOODLE_FIXTURE.read_bytes())
    assert not old.exists()
    [recent] = set(uploads.iterdir()) - earlier
    assert recent.read_bytes() == MOODLE_FIXTURE.read_bytes()

    for path in uploads.iterdir():
        os.utime(path, (day_and_a_minute_ago, day_and_a_minute_ago))
    out = io.StringIO()
    call_command("remove_stale_import_uploads", stdout=out)
    assert list(uploads.iterdir()) == []
    assert f"Removed {len(earlier) + 1} preview upload" in out.getvalue()


def test_a_confirmed_or_refused_import_leaves_no_upload(quiz, client):
    from django.conf import settings

    editor_client(client)
    uploads = Path(settings.MEDIA_ROOT) / "import-uploads"
    before = set(uploads.iterdir()) if uploads.exists() else set()
    preview = upload(client, quiz, MOODLE_FIXTURE.read_bytes())
    client.post(reverse("quizzes_import", args=[quiz.pk]), {"token": preview.context["token"]})
    assert set(uploads.iterdir()) == before


# -- an import never changes shared content ----------------------------------------------------


def test_a_payload_reusing_a_behaviour_key_leaves_that_behaviour_unchanged(quiz, client):
    from quizzes.models import Behaviour

    shared = Behaviour.objects.filter(practice=True).exclude(colour="red").first()
    original = (shared.band_id, shared.text, shared.colour, shared.reasoning, shared.practice)
    behaviour = {
        "key": shared.key,
        "band": shared.band.code,
        "text": "Overwritten text",
        "colour": "red",
        "reasoning": "Overwritten reasoning",
        "practice": False,
    }
    xml = f"<quiz>{payload_question(traffic_light(behaviour))}</quiz>".encode()
    editor_client(client)
    preview = upload(client, quiz, xml)
    html = preview.content.decode()
    assert "Reused as they are" in html and shared.key in html
    client.post(reverse("quizzes_import", args=[quiz.pk]), {"token": preview.context["token"]})
    shared.refresh_from_db()
    assert (shared.band_id, shared.text, shared.colour, shared.reasoning, shared.practice) == original
    [question] = quiz.questions.all()
    assert question.behaviour == shared
    practice = BeautifulSoup(
        client.get(reverse("quizzes:practice", args=[shared.band.code])).content, "html.parser"
    )
    assert shared.text in practice.get_text()
