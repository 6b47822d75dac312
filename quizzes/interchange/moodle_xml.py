"""Moodle XML: import (multichoice, truefalse, matching; categories become tags; embedded
images kept or dropped with a warning; other types listed as skipped) and export.

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

from quizzes.interchange.data import QuestionDataError, current_bands
from quizzes.interchange.plan import ImportError_, ImportPlan, check_size, plain_text
from quizzes.interchange.validate import check_question, check_vignette
from quizzes.models.questions import QUESTION_TYPES

SUPPORTED = {"multichoice", "truefalse", "matching"}
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


def _text(element, path):
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
    for element in root.findall("question"):
        kind = element.get("type", "")
        name = plain_text(_text(element, "name/text")) or "Untitled question"
        if kind == "category":
            path = _text(element, "category/text")
            category = re.sub(r"^\$[a-z]+\$/?", "", path).strip("/")
            continue
        payload = element.find("safeguarding_hub")
        if payload is not None and _from_payload(plan, payload, name, category, bands):
            continue
        if kind not in SUPPORTED:
            plan.skipped.append(f"{SKIPPED_LABELS.get(kind, kind or 'Unknown type')}: “{name}”")
            continue
        data = {
            "key": plan.unique_key(name),
            "text": plain_text(_text(element, "questiontext/text")),
            "explanation": plain_text(_text(element, "generalfeedback/text")),
            "tags": [category] if category else [],
        }
        if not data["text"]:
            plan.warnings.append(f"“{name}” has no question text and was skipped.")
            continue
        try:
            data["points"] = _points(element)
            {"multichoice": _multichoice, "truefalse": _truefalse, "matching": _matching}[kind](
                element, data, plan, name
            )
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
    grade = _text(element, "defaultgrade").strip() or "1"
    try:
        value = float(grade)
    except ValueError:
        value = math.nan
    if not 0 <= value <= 100:  # also false for nan
        raise ValueError(f"its default grade “{grade[:20]}” is not a number from 0 to 100")
    return max(1, round(value))


def _answers(element):
    for answer in element.findall("answer"):
        try:
            fraction = float(answer.get("fraction", "0"))
        except ValueError:
            raise ValueError("an answer has a fraction that is not a number") from None
        yield plain_text(_text(answer, "text")), fraction, plain_text(_text(answer, "feedback/text"))


def _multichoice(element, data, plan, name):
    single = _text(element, "single").strip().lower() in ("true", "1")
    options = [
        {"text": text, "correct": fraction > 0, **({"feedback": fb} if fb else {})}
        for text, fraction, fb in _answers(element)
        if text
    ]
    if len(options) < 2:
        raise ValueError("it needs at least two answers")
    correct = [o for o in options if o["correct"]]
    if not correct:
        raise ValueError("no answer is marked right")
    if single and len(correct) > 1:
        single = False
        plan.warnings.append(f"“{name}” has several right answers, so it was imported as multiple response.")
    data.update(type="single_choice" if single else "multiple_response", options=options)


def _truefalse(element, data, plan, name):
    right = [text.lower() for text, fraction, _ in _answers(element) if fraction >= 100]
    if right not in (["true"], ["false"]):
        raise ValueError("it does not say whether true or false is right")
    data.update(type="true_false", correct=right == ["true"])


def _matching(element, data, plan, name):
    pairs = []
    for sub in element.findall("subquestion"):
        term, definition = plain_text(_text(sub, "text")), plain_text(_text(sub, "answer/text"))
        if not term:
            plan.warnings.append(f"“{name}”: an extra wrong answer (“{definition}”) was dropped.")
            continue
        pairs.append({"term": term[:120], "definition": definition})
    if len(pairs) < 2:
        raise ValueError("it needs at least two pairs")
    data.update(type="matching", pairs=pairs)


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
        from PIL import Image

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
    if not isinstance(data, dict) or data.get("type") not in QUESTION_TYPES:
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


def export(quiz, questions, vignettes):
    """Moodle XML for `questions` (plain data, see data.py) of `quiz`."""
    root = Element("quiz")
    category = SubElement(root, "question", {"type": "category"})
    SubElement(SubElement(category, "category"), "text").text = f"$course$/{quiz.title}"
    colours = [("green", "Green"), ("amber", "Amber"), ("red", "Red")]
    for data in questions:
        kind = data["type"]
        moodle_type = {
            "true_false": "truefalse",
            "matching": "matching",
            "traffic_light_sort": "matching",
            "order": "matching",
        }.get(kind, "multichoice")
        element = SubElement(root, "question", {"type": moodle_type})
        _text_element(element, "name", data["key"])
        _text_element(element, "questiontext", data["text"], html=True)
        _text_element(element, "generalfeedback", data.get("explanation", ""), html=True)
        SubElement(element, "defaultgrade").text = f"{data.get('points', 1):.7f}"
        if kind in ("single_choice", "multiple_response", "spot_indicators", "traffic_light"):
            if kind == "traffic_light":
                options = [
                    {"text": label, "correct": code == data["behaviour"]["colour"]} for code, label in colours
                ]
            elif kind == "spot_indicators":
                options = [{"text": o["text"], "correct": o["indicator"]} for o in data["observations"]]
            else:
                options = data["options"]
            right = sum(1 for o in options if o["correct"]) or 1
            wrong = (len(options) - right) or 1
            single = kind in ("single_choice", "traffic_light")
            SubElement(element, "single").text = "true" if single else "false"
            for option in options:
                fraction = (
                    100
                    if single and option["correct"]
                    else (
                        round(100 / right, 5)
                        if option["correct"]
                        else (0 if single else -round(100 / wrong, 5))
                    )
                )
                answer = SubElement(element, "answer", {"fraction": f"{fraction:g}", "format": "plain_text"})
                SubElement(answer, "text").text = option["text"]
                SubElement(SubElement(answer, "feedback"), "text").text = option.get("feedback", "")
        elif kind == "true_false":
            for value in ("true", "false"):
                answer = SubElement(
                    element, "answer", {"fraction": "100" if (value == "true") == data["correct"] else "0"}
                )
                SubElement(answer, "text").text = value
        else:
            if kind == "matching":
                pairs = [(p["term"], p["definition"]) for p in data["pairs"]]
            elif kind == "traffic_light_sort":
                pairs = [(b["text"], b["colour"].capitalize()) for b in data["behaviours"]]
            else:
                pairs = [(s["text"], f"Step {n}") for n, s in enumerate(data["steps"], 1)]
            for term, definition in pairs:
                sub = SubElement(element, "subquestion", {"format": "plain_text"})
                SubElement(sub, "text").text = term
                SubElement(SubElement(sub, "answer"), "text").text = definition
        full = dict(data)
        if data.get("vignette") and data["vignette"] in vignettes:
            full["vignette_data"] = vignettes[data["vignette"]]
        SubElement(element, "safeguarding_hub").text = json.dumps(full, ensure_ascii=False)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(root, encoding="unicode").encode("utf-8")
