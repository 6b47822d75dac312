"""Checking question data (from a shipped quiz file or an import) before anything is built.

Each problem is a `QuestionDataError` that names the question and the field."""

from cms.blocks import INDICATOR_CATEGORIES
from quizzes.interchange.data import QuestionDataError
from quizzes.models.bands import Colour

CATEGORIES = {code for code, _ in INDICATOR_CATEGORIES}
COLOURS = set(Colour.values)
TYPE_FIELDS = {
    "single_choice": {"options"},
    "multiple_response": {"options"},
    "true_false": {"correct"},
    "traffic_light": {"behaviour"},
    "traffic_light_sort": {"band", "behaviours"},
    "spot_indicators": {"observations"},
    "order": {"steps"},
    "matching": {"pairs"},
}
COMMON = {"key", "type", "text", "explanation", "vignette", "chapter", "category", "points", "tags"}
LIMITS = {"text": 2000, "explanation": 4000, "vignette": 4000}


def _text(value, where, limit=300, required=True):
    if not isinstance(value, str) or (required and not value.strip()):
        raise QuestionDataError(f"{where} must be {'non-empty ' if required else ''}text")
    if len(value) > limit:
        raise QuestionDataError(f"{where} is longer than {limit} characters")


def _list(value, where, low, high):
    if not isinstance(value, list) or not low <= len(value) <= high:
        raise QuestionDataError(f"{where} must be a list of {low} to {high} items")
    for item in value:
        if not isinstance(item, dict):
            raise QuestionDataError(f"{where}: each item must be a mapping")


def check_question(data, where, *, bands=None, chapters=None, vignettes=None):
    if not isinstance(data, dict):
        raise QuestionDataError(f"{where}: expected a mapping")
    kind = data.get("type")
    if kind not in TYPE_FIELDS:
        raise QuestionDataError(f"{where}: unknown type {kind!r} (expected one of {', '.join(TYPE_FIELDS)})")
    unknown = set(data) - COMMON - TYPE_FIELDS[kind] - {"image"}
    if unknown:
        raise QuestionDataError(f"{where}: unknown field(s) {', '.join(sorted(map(str, unknown)))}")
    missing = ({"key", "text"} | TYPE_FIELDS[kind]) - set(data)
    if missing:
        raise QuestionDataError(f"{where}: missing field(s) {', '.join(sorted(missing))}")
    _text(data["key"], f"{where}: key", 80)
    _text(data["text"], f"{where}: text", LIMITS["text"])
    _text(data.get("explanation", ""), f"{where}: explanation", LIMITS["explanation"], required=False)
    points = data.get("points", 1)
    if not isinstance(points, int) or isinstance(points, bool) or not 1 <= points <= 100:
        raise QuestionDataError(f"{where}: points must be a whole number from 1 to 100")
    if data.get("category") and data["category"] not in CATEGORIES:
        raise QuestionDataError(f"{where}: unknown indicator category {data['category']!r}")
    if chapters is not None and data.get("chapter") and data["chapter"] not in chapters:
        raise QuestionDataError(f"{where}: no toolkit chapter {data['chapter']!r}")
    if vignettes is not None and data.get("vignette") and data["vignette"] not in vignettes:
        raise QuestionDataError(f"{where}: no vignette {data['vignette']!r}")
    _check_parts(kind, data, where, bands)


def check_vignette(data, where):
    """A case study as an import carries it: its title and text, and optional agency and
    age-band codes (unknown codes are left blank when it is created)."""
    if not isinstance(data, dict):
        raise QuestionDataError(f"{where} must be a mapping")
    _text(data.get("title"), f"{where}: title", 200)
    _text(data.get("text"), f"{where}: text", LIMITS["vignette"])
    for field in ("agency", "age_band"):
        if data.get(field) is not None and not isinstance(data[field], str):
            raise QuestionDataError(f"{where}: {field.replace('_', ' ')} must be a code")


def _check_parts(kind, data, where, bands):
    if kind in ("single_choice", "multiple_response"):
        _list(data["options"], f"{where}: options", 2, 12)
        for n, option in enumerate(data["options"], 1):
            _text(option.get("text"), f"{where}: option {n}")
        right = sum(bool(o.get("correct")) for o in data["options"])
        if kind == "single_choice" and right != 1:
            raise QuestionDataError(f"{where}: a single choice question needs exactly one right option")
        if right < 1:
            raise QuestionDataError(f"{where}: at least one option must be right")
    elif kind == "true_false":
        if not isinstance(data["correct"], bool):
            raise QuestionDataError(f"{where}: correct must be true or false")
    elif kind == "traffic_light":
        _behaviour(data["behaviour"], f"{where}: behaviour", bands, band_required=True)
    elif kind == "traffic_light_sort":
        if bands is not None and data["band"] not in bands:
            raise QuestionDataError(f"{where}: unknown age band {data['band']!r}")
        _list(data["behaviours"], f"{where}: behaviours", 2, 10)
        for n, behaviour in enumerate(data["behaviours"], 1):
            _behaviour(behaviour, f"{where}: behaviour {n}", bands, band_required=False)
    elif kind == "spot_indicators":
        _list(data["observations"], f"{where}: observations", 2, 15)
        for n, item in enumerate(data["observations"], 1):
            _text(item.get("text"), f"{where}: observation {n}")
            if item.get("category") not in CATEGORIES:
                raise QuestionDataError(f"{where}: observation {n} has an unknown category")
        if not any(item.get("indicator") for item in data["observations"]):
            raise QuestionDataError(f"{where}: at least one observation must be an indicator")
    elif kind == "order":
        _list(data["steps"], f"{where}: steps", 2, 10)
        for n, step in enumerate(data["steps"], 1):
            _text(step.get("text"), f"{where}: step {n}")
    elif kind == "matching":
        _list(data["pairs"], f"{where}: pairs", 2, 10)
        for n, pair in enumerate(data["pairs"], 1):
            _text(pair.get("term"), f"{where}: pair {n} term", 120)
            _text(pair.get("definition"), f"{where}: pair {n} definition", 400)


def _behaviour(data, where, bands, band_required):
    if not isinstance(data, dict):
        raise QuestionDataError(f"{where} must be a mapping")
    _text(data.get("key"), f"{where}: key", 80)
    _text(data.get("text"), f"{where}: text")
    if data.get("colour") not in COLOURS:
        raise QuestionDataError(f"{where}: colour must be green, amber or red")
    if band_required and bands is not None and data.get("band") not in bands:
        raise QuestionDataError(f"{where}: unknown age band {data.get('band')!r}")
