"""Checking question data (from a shipped quiz file or an import) before anything is built.

Each problem is a `QuestionDataError` that names the question and the field. The fields
every question has are checked here; each kind checks its own (`Kind.check`)."""

from cms.blocks import INDICATOR_CATEGORIES
from quizzes import kinds
from quizzes.interchange.data import QuestionDataError
from quizzes.models import Difficulty

CATEGORIES = {code for code, _ in INDICATOR_CATEGORIES}
COMMON = {
    "key",
    "type",
    "text",
    "explanation",
    "vignette",
    "chapter",
    "category",
    "points",
    "tags",
    "difficulty",
    "age_band",
}
LIMITS = {"text": 2000, "explanation": 4000, "vignette": 4000}


def check_text(value, where, limit=300, required=True):
    if not isinstance(value, str) or (required and not value.strip()):
        raise QuestionDataError(f"{where} must be {'non-empty ' if required else ''}text")
    if len(value) > limit:
        raise QuestionDataError(f"{where} is longer than {limit} characters")


def check_list(value, where, low, high):
    if not isinstance(value, list) or not low <= len(value) <= high:
        raise QuestionDataError(f"{where} must be a list of {low} to {high} items")
    for item in value:
        if not isinstance(item, dict):
            raise QuestionDataError(f"{where}: each item must be a mapping")


def check_question(data, where, *, bands=None, chapters=None, vignettes=None):
    if not isinstance(data, dict):
        raise QuestionDataError(f"{where}: expected a mapping")
    try:
        kind = kinds.get(data.get("type"))
    except (kinds.UnknownKind, TypeError):
        expected = ", ".join(kinds.codes())
        raise QuestionDataError(
            f"{where}: unknown type {data.get('type')!r} (expected one of {expected})"
        ) from None
    unknown = set(data) - COMMON - kind.data_fields - {"image"}
    if unknown:
        raise QuestionDataError(f"{where}: unknown field(s) {', '.join(sorted(map(str, unknown)))}")
    missing = ({"key", "text"} | kind.data_fields) - set(data)
    if missing:
        raise QuestionDataError(f"{where}: missing field(s) {', '.join(sorted(missing))}")
    check_text(data["key"], f"{where}: key", 80)
    check_text(data["text"], f"{where}: text", LIMITS["text"])
    check_text(data.get("explanation", ""), f"{where}: explanation", LIMITS["explanation"], required=False)
    points = data.get("points", 1)
    if not isinstance(points, int) or isinstance(points, bool) or not 1 <= points <= 100:
        raise QuestionDataError(f"{where}: points must be a whole number from 1 to 100")
    if data.get("category") and data["category"] not in CATEGORIES:
        raise QuestionDataError(f"{where}: unknown indicator category {data['category']!r}")
    if data.get("difficulty") and data["difficulty"] not in Difficulty.values:
        raise QuestionDataError(f"{where}: difficulty must be one of {', '.join(Difficulty.values)}")
    if data.get("age_band") is not None and (
        not isinstance(data["age_band"], str) or (bands is not None and data["age_band"] not in bands)
    ):
        raise QuestionDataError(f"{where}: unknown age band {data['age_band']!r}")
    if chapters is not None and data.get("chapter") and data["chapter"] not in chapters:
        raise QuestionDataError(f"{where}: no toolkit chapter {data['chapter']!r}")
    if vignettes is not None and data.get("vignette") and data["vignette"] not in vignettes:
        raise QuestionDataError(f"{where}: no vignette {data['vignette']!r}")
    kind.check(data, where, bands)


def check_vignette(data, where):
    """A case study as an import carries it: its title and text, and optional agency and
    age-band codes (unknown codes are left blank when it is created)."""
    if not isinstance(data, dict):
        raise QuestionDataError(f"{where} must be a mapping")
    check_text(data.get("title"), f"{where}: title", 200)
    check_text(data.get("text"), f"{where}: text", LIMITS["vignette"])
    for field in ("agency", "age_band"):
        if data.get(field) is not None and not isinstance(data[field], str):
            raise QuestionDataError(f"{where}: {field.replace('_', ' ')} must be a code")
