"""Moodle XML: import (the Moodle types our kinds read: multichoice, truefalse, matching;
categories become tags; embedded images kept or dropped with a warning; other types listed
as skipped) and export. Each kind says which Moodle type it is exported as and writes its
own answers (`Kind.moodle_type`, `Kind.write_moodle`), and which Moodle types it reads
(`Kind.moodle_imports`); the helpers here are shared by the kinds.

Parsing goes through defusedxml: no DTDs, no entities, no external resources. An export
carries each question's full data in a `<safeguarding_hub>` element that Moodle ignores,
so every type (traffic light, ordering...) comes back unchanged when re-imported here;
Moodle itself sees the nearest type it understands."""

import base64
import binascii
import io
import json
import math
import re
from xml.etree.ElementTree import Element, SubElement, tostring

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring
from PIL import Image

from quizzes import kinds
from quizzes.interchange.data import QuestionDataError, current_bands
from quizzes.interchange.plan import ImportError_, ImportPlan, check_size, plain_text
from quizzes.interchange.validate import check_question, check_vignette

SKIPPED_LABELS = {
    "essay": "Essay",
    "multianswer": "Cloze (embedded answers)",
    "calculated": "Calculated",
    "calculatedsimple": "Calculated",
    "calculatedmulti": "Calculated",
    "shortanswer": "Short answer",
    "numerical": "Numerical",
    "description": "Description",
    "ddwtos": "Drag and drop into text",
    "gapselect": "Select missing words",
    "randomsamatch": "Random short-answer matching",
}
IMAGE_TYPES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif"}


def text_of(element, path):
    found = element.find(path)
    return (found.text or "") if found is not None else ""


def parse(content: bytes) -> ImportPlan:
    check_size(content)
    try:
        root = fromstring(content, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise ImportError_(
            "The file declares a DTD or entities, which are not allowed in an import."
        ) from None
    except ParseError as error:
        raise ImportError_(f"This is not a valid Moodle XML file: {error}.") from None
    if root.tag != "quiz":
        raise ImportError_("This is not a Moodle XML question file: it should start with <quiz>.")
    plan = ImportPlan()
    category = ""
    bands = current_bands()
    readers = {
        moodle_type: read for kind in kinds.all_kinds() for moodle_type, read in kind.moodle_imports.items()
    }
    for element in root.findall("question"):
        moodle_type = element.get("type", "")
        name = plain_text(text_of(element, "name/text")) or "Untitled question"
        if moodle_type == "category":
            path = text_of(element, "category/text")
            category = re.sub(r"^\$[a-z]+\$/?", "", path).strip("/")
            continue
        payload = element.find("safeguarding_hub")
        if payload is not None and _from_payload(plan, payload, name, category, bands):
            continue
        if moodle_type not in readers:
            plan.skipped.append(f"{SKIPPED_LABELS.get(moodle_type, moodle_type or 'Unknown type')}: “{name}”")
            continue
        data = {
            "key": plan.unique_key(name),
            "text": plain_text(text_of(element, "questiontext/text")),
            "explanation": plain_text(text_of(element, "generalfeedback/text")),
            "tags": [category] if category else [],
        }
        if not data["text"]:
            plan.warnings.append(f"“{name}” has no question text and was skipped.")
            continue
        try:
            data["points"] = _points(element)
            readers[moodle_type](element, data, plan, name)
        except ValueError as problem:
            plan.warnings.append(f"“{name}” was skipped: {problem}")
            continue
        if not data["explanation"]:
            plan.warnings.append(f"“{name}” has no general feedback: add an explanation after importing.")
        _image(element, data, plan, name)
        plan.questions.append(data)
    return plan


def _points(element):
    """The question's points from Moodle's default grade: a number from 0 to 100 (Moodle's
    own range), rounded, at least 1."""
    grade = text_of(element, "defaultgrade").strip() or "1"
    try:
        value = float(grade)
    except ValueError:
        value = math.nan
    if not 0 <= value <= 100:  # also false for nan
        raise ValueError(f"its default grade “{grade[:20]}” is not a number from 0 to 100")
    return max(1, round(value))


def answers_of(element):
    for answer in element.findall("answer"):
        try:
            fraction = float(answer.get("fraction", "0"))
        except ValueError:
            raise ValueError("an answer has a fraction that is not a number") from None
        yield plain_text(text_of(answer, "text")), fraction, plain_text(text_of(answer, "feedback/text"))


def _image(element, data, plan, name):
    files = element.findall("questiontext/file")
    for position, file in enumerate(files):
        filename = file.get("name", "image")
        extension = filename.rsplit(".", 1)[-1].lower()
        if position > 0:
            plan.warnings.append(f"“{name}”: only the first image is kept; “{filename}” was dropped.")
            continue
        if extension not in IMAGE_TYPES or file.get("encoding") != "base64":
            plan.warnings.append(f"“{name}”: “{filename}” is not a PNG, JPEG or GIF image and was dropped.")
            continue
        try:
            content = base64.b64decode(file.text or "", validate=True)
        except (binascii.Error, ValueError):
            plan.warnings.append(f"“{name}”: “{filename}” could not be decoded and was dropped.")
            continue
        if not _looks_like_image(content, extension):
            plan.warnings.append(f"“{name}”: “{filename}” is not a readable image and was dropped.")
            continue
        data["image"] = {"name": re.sub(r"[^\w.-]", "_", filename)[:100], "title": name, "bytes": content}


def _looks_like_image(content, extension):
    try:
        with Image.open(io.BytesIO(content)) as image:
            image.verify()
        return True
    except Exception:  # noqa: BLE001 (any failure means it is not an image we can keep)
        return False


def _from_payload(plan, payload, name, category, bands):
    """Use our own full data when the file was exported from here."""
    try:
        data = json.loads(payload.text or "")
    except ValueError:
        plan.warnings.append(
            f"“{name}”: its Safeguarding Learning Hub data was unreadable; imported as Moodle saw it."
        )
        return False
    if not isinstance(data, dict) or data.get("type") not in kinds.codes():
        return False
    vignette = data.pop("vignette_data", None)
    try:
        check_question(data, f"“{name}”", bands=bands)
    except QuestionDataError as problem:
        plan.warnings.append(f"{problem}; imported as Moodle saw it.")
        return False
    if vignette is not None:
        try:
            check_vignette(vignette, f"“{name}”: case study")
        except QuestionDataError as problem:
            plan.warnings.append(f"{problem}, so its case study was dropped.")
            vignette = None
    if vignette and data.get("vignette"):
        plan.vignettes.setdefault(data["vignette"], vignette)
    data["tags"] = data.get("tags") or ([category] if category else [])
    data["key"] = plan.unique_key(data.get("key") or name)
    plan.questions.append(data)
    return True


# -- export --------------------------------------------------------------------------------


def _text_element(parent, tag, text, html=False):
    element = SubElement(parent, tag, {"format": "html" if html else "plain_text"} if tag != "name" else {})
    SubElement(element, "text").text = text
    return element


def write_choices(element, options, single):
    """Moodle's multichoice answers: a right single answer earns 100%; in multiple response
    each right answer earns its share and each wrong one costs its share."""
    right = sum(1 for o in options if o["correct"]) or 1
    wrong = (len(options) - right) or 1
    SubElement(element, "single").text = "true" if single else "false"
    for option in options:
        if option["correct"]:
            fraction = 100 if single else round(100 / right, 5)
        else:
            fraction = 0 if single else -round(100 / wrong, 5)
        answer = SubElement(element, "answer", {"fraction": f"{fraction:g}", "format": "plain_text"})
        SubElement(answer, "text").text = option["text"]
        SubElement(SubElement(answer, "feedback"), "text").text = option.get("feedback", "")


def write_pairs(element, pairs):
    """Moodle's matching subquestions from (term, definition) pairs."""
    for term, definition in pairs:
        sub = SubElement(element, "subquestion", {"format": "plain_text"})
        SubElement(sub, "text").text = term
        SubElement(SubElement(sub, "answer"), "text").text = definition


def export(quiz, questions, vignettes):
    """Moodle XML for `questions` (plain data, see data.py) of `quiz`."""
    root = Element("quiz")
    category = SubElement(root, "question", {"type": "category"})
    SubElement(SubElement(category, "category"), "text").text = f"$course$/{quiz.title}"
    for data in questions:
        kind = kinds.get(data["type"])
        element = SubElement(root, "question", {"type": kind.moodle_type})
        _text_element(element, "name", data["key"])
        _text_element(element, "questiontext", data["text"], html=True)
        _text_element(element, "generalfeedback", data.get("explanation", ""), html=True)
        SubElement(element, "defaultgrade").text = f"{data.get('points', 1):.7f}"
        kind.write_moodle(element, data)
        full = dict(data)
        if data.get("vignette") and data["vignette"] in vignettes:
            full["vignette_data"] = vignettes[data["vignette"]]
        SubElement(element, "safeguarding_hub").text = json.dumps(full, ensure_ascii=False)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(root, encoding="unicode").encode("utf-8")
