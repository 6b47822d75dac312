"""Reading and checking the data files before anything is written.

Every problem is reported as a `FixtureError` naming the file and where in it the problem
is, so whoever edits a data file can fix it without reading code.
"""

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from cms.blocks import CALLOUT_VARIANTS, INDICATOR_CATEGORIES
from cms.local_contacts import KINDS as LOCAL_CONTACT_KINDS
from quizzes import kinds
from quizzes.interchange.data import QuestionDataError
from quizzes.interchange.validate import check_question
from quizzes.models import NO_CATEGORY, Difficulty, Review

MAX_FILE_BYTES = 512 * 1024
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CATEGORIES = {code for code, _ in INDICATOR_CATEGORIES}
VARIANTS = {code for code, _ in CALLOUT_VARIANTS}


class FixtureError(Exception):
    """A data file that cannot be loaded; the message says which file and why."""


@dataclass
class Bundle:
    """Everything the data directory holds, checked and ready to load."""

    site: dict
    agencies: list = field(default_factory=list)
    helplines: list = field(default_factory=list)
    resources: list = field(default_factory=list)
    chapters: list = field(default_factory=list)
    courses: list = field(default_factory=list)
    survey: list = field(default_factory=list)
    band_sets: list = field(default_factory=list)
    behaviours: list = field(default_factory=list)
    quizzes: list = field(default_factory=list)


def read_bundle(data_dir: Path) -> Bundle:
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise FixtureError(f"{data_dir}: no such data directory")
    bundle = Bundle(site=_check(data_dir / "site.yaml", dict, _check_site))
    bundle.agencies = _check(data_dir / "agencies.yaml", list, _check_agencies)
    bundle.helplines = _check(data_dir / "helplines.yaml", list, _check_helplines)
    for path in sorted(data_dir.glob("resources*.yaml")):
        bundle.resources += _check(path, list, _check_resources)
    _unique(bundle.resources, "key", "resources*.yaml")
    chapter_files = sorted((data_dir / "chapters").glob("*.yaml"))
    if not chapter_files:
        raise FixtureError(f"{data_dir / 'chapters'}: no chapter files")
    known = _Known(
        resources={r["key"] for r in bundle.resources},
        helplines={h["key"] for h in bundle.helplines},
        agencies={a["code"] for a in bundle.agencies},
    )
    for resource in bundle.resources:
        for code in resource.get("agencies", []):
            if code not in known.agencies:
                raise FixtureError(f"resources: resource '{resource['key']}' names unknown agency '{code}'")
    for b, block in enumerate(bundle.site["home"].get("blocks") or [], 1):
        _check_block(block, f"site.yaml: home, block {b}", known)
    for path in chapter_files:
        bundle.chapters.append(_check(path, dict, lambda d, where: _check_chapter(d, where, known)))
    _unique(bundle.chapters, "slug", "chapters/")
    slugs = {c["slug"] for c in bundle.chapters}
    for item in bundle.site.get("search_promotions") or []:
        if item["chapter"] not in slugs:
            raise FixtureError(
                f"site.yaml: search promotion '{item['query']}' names unknown chapter '{item['chapter']}'"
            )
    _unique(bundle.chapters, "order", "chapters/")
    bundle.chapters.sort(key=lambda c: c["order"])
    known.chapters = {
        c["slug"]: [section["heading"].strip() for section in c["sections"]] for c in bundle.chapters
    }
    for path in sorted((data_dir / "courses").glob("*.yaml")):
        bundle.courses.append(_check(path, dict, lambda d, where: _check_course(d, where, known)))
    _unique(bundle.courses, "slug", "courses/")
    _unique(bundle.courses, "order", "courses/")
    bundle.courses.sort(key=lambda c: c["order"])
    for n, course in enumerate(bundle.courses):
        earlier = {c["slug"] for c in bundle.courses[:n]}
        if course.get("requires") is not None and course["requires"] not in earlier:
            where = f"courses/{course['slug']}"
            raise FixtureError(f"{where}: requires '{course['requires']}', which is not an earlier course")
    bundle.survey = _check(data_dir / "survey.yaml", dict, _check_survey)["items"]
    bundle.band_sets = _check(data_dir / "traffic_light.yaml", dict, _check_band_sets)["band_sets"]
    known.bands = {b["code"] for s in bundle.band_sets if s.get("current") for b in s["bands"]}
    bundle.behaviours = _check(
        data_dir / "traffic_light_behaviours.yaml", list, lambda d, where: _check_behaviours(d, where, known)
    )
    known.courses = {c["slug"] for c in bundle.courses}
    for path in sorted((data_dir / "quizzes").glob("*.yaml")):
        bundle.quizzes.append(_check(path, dict, lambda d, where: _check_quiz(d, where, known)))
    _unique(bundle.quizzes, "slug", "quizzes/")
    _unique(bundle.quizzes, "course", "quizzes/")
    behaviour_keys = [b["key"] for b in bundle.behaviours] + [
        b["key"]
        for quiz in bundle.quizzes
        for q in quiz["questions"]
        for b in ([q["behaviour"]] if q["type"] == "traffic_light" else q.get("behaviours", []))
    ]
    if len(behaviour_keys) != len(set(behaviour_keys)):
        twice = sorted({k for k in behaviour_keys if behaviour_keys.count(k) > 1})
        raise FixtureError(f"quizzes/: behaviour key(s) used twice: {', '.join(twice)}")
    return bundle


@dataclass
class _Known:
    resources: set
    helplines: set
    agencies: set
    chapters: dict = field(default_factory=dict)  # slug -> section headings
    bands: set = field(default_factory=set)
    courses: set = field(default_factory=set)


def _check(path: Path, expected_type, checker):
    name = (
        path.name
        if path.parent.name not in ("chapters", "courses", "quizzes")
        else (f"{path.parent.name}/{path.name}")
    )
    if not path.is_file():
        raise FixtureError(f"{name}: file is missing")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise FixtureError(f"{name}: file is larger than {MAX_FILE_BYTES // 1024} KB")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise FixtureError(f"{name}: not UTF-8 text") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise FixtureError(f"{name}: not valid YAML{where}: {problem}") from None
    if not isinstance(data, expected_type):
        raise FixtureError(f"{name}: expected a {expected_type.__name__} at the top level")
    checker(data, name)
    return data


def _fields(item, where, required, optional=()):
    if not isinstance(item, dict):
        raise FixtureError(f"{where}: expected a mapping of fields")
    unknown = set(item) - set(required) - set(optional)
    if unknown:
        raise FixtureError(f"{where}: unknown field(s) {', '.join(sorted(map(str, unknown)))}")
    for name, kind in required.items():
        if name not in item:
            raise FixtureError(f"{where}: missing field '{name}'")
        _type(item[name], kind, f"{where}: field '{name}'")
    for name, kind in dict(optional).items():
        if name in item and item[name] is not None:
            _type(item[name], kind, f"{where}: field '{name}'")


def _type(value, kind, where):
    if kind is str:
        if isinstance(value, dict):
            raise FixtureError(
                f"{where} must be text, but YAML read a mapping: put text that contains ': ' in quotes"
            )
        if not isinstance(value, str) or not value.strip():
            raise FixtureError(f"{where} must be non-empty text")
    elif kind == "text":  # text that may be empty
        if not isinstance(value, str):
            raise FixtureError(f"{where} must be text")
    elif kind == "slug":
        if not isinstance(value, str) or not SLUG.match(value):
            raise FixtureError(f"{where} must be lower-case letters, digits and hyphens")
    elif kind is int:
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise FixtureError(f"{where} must be a whole number")
    elif kind is bool:
        if not isinstance(value, bool):
            raise FixtureError(f"{where} must be true or false")
    elif kind == "date":  # YAML reads an unquoted 2026-11-30 as a date
        if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
            raise FixtureError(f"{where} must be a date written as YYYY-MM-DD, e.g. 2026-11-30")
    elif kind == "url":
        if not isinstance(value, str) or (value and not re.match(r"^https?://[^\s]+$", value)):
            raise FixtureError(f"{where} must be an http(s) address or empty")
    elif kind == "texts":
        if not isinstance(value, list) or not value:
            raise FixtureError(f"{where} must be a non-empty list")
        for i, entry in enumerate(value, 1):
            _type(entry, str, f"{where} item {i}")
    elif kind == "slugs":
        if not isinstance(value, list):
            raise FixtureError(f"{where} must be a list")
        for i, entry in enumerate(value, 1):
            _type(entry, "slug", f"{where} item {i}")
    elif kind is list:
        if not isinstance(value, list) or not value:
            raise FixtureError(f"{where} must be a non-empty list")
    elif kind is dict:
        if not isinstance(value, dict):
            raise FixtureError(f"{where} must be a mapping")


def _unique(items, name, where):
    seen = set()
    for item in items:
        if item[name] in seen:
            raise FixtureError(f"{where}: '{item[name]}' is used twice as {name}")
        seen.add(item[name])


def _check_site(data, where):
    _fields(
        data,
        where,
        {"partnership": dict, "home": dict, "toolkit": dict, "courses": dict},
        {"search_promotions": list},
    )
    _fields(data["courses"], f"{where}: courses", {"title": str, "slug": "slug", "introduction": str})
    for i, item in enumerate(data.get("search_promotions") or [], 1):
        _fields(
            item, f"{where}: search promotion {i}", {"query": str, "chapter": "slug"}, {"description": "text"}
        )
    _fields(
        data["partnership"],
        f"{where}: partnership",
        {"name": str},
        {"contact_email": "text", "contact_phone": "text", "contact_text": "text"},
    )
    _fields(data["home"], f"{where}: home", {"title": str, "introduction": str}, {"blocks": list})
    _fields(data["toolkit"], f"{where}: toolkit", {"title": str, "slug": "slug", "introduction": str})


def _check_agencies(data, where):
    for i, item in enumerate(data, 1):
        _fields(item, f"{where}: agency {i}", {"code": "slug", "name": str})
    _unique(data, "code", where)


def _check_helplines(data, where):
    for i, item in enumerate(data, 1):
        _fields(
            item,
            f"{where}: helpline {i}",
            {"key": "slug", "name": str, "number": str, "checked_on": "date"},
            {"description": "text", "url": "url"},
        )
    _unique(data, "key", where)


def _check_resources(data, where):
    for i, item in enumerate(data, 1):
        _fields(
            item,
            f"{where}: resource {i} ({item.get('key', '?') if isinstance(item, dict) else '?'})",
            {"key": "slug", "title": str},
            {
                "provider": "text",
                "url": "url",
                "description": "text",
                "paid_membership": bool,
                "agencies": "slugs",
            },
        )


def _check_chapter(data, where, known):
    _fields(
        data,
        where,
        {
            "slug": "slug",
            "title": str,
            "order": int,
            "source": str,
            "introduction": str,
            "sections": list,
        },
        {"key_messages": "texts", "search_terms": "text"},
    )
    _check_sections(data["sections"], where, known, _BLOCKS)


def _check_sections(sections, where, known, allowed):
    for s, section in enumerate(sections, 1):
        place = f"{where}: section {s}"
        _fields(section, place, {"heading": str, "blocks": list})
        for b, block in enumerate(section["blocks"], 1):
            _check_block(block, f"{place} ('{section['heading']}'), block {b}", known, allowed)


_BLOCKS = {
    "text": ({"html": str}, {}),
    "callout": ({"text": str}, {"variant": "slug", "heading": "text"}),
    "indicators": ({"groups": list}, {"heading": "text", "intro": "text"}),
    "steps": ({"steps": list}, {"heading": "text"}),
    "quote": ({"text": str, "attribution": str}, {}),
    "definition": ({"term": "text", "text": str, "source": "text"}, {}),
    "local_contacts": ({"items": "texts"}, {"heading": "text"}),
    "phrases": ({"items": "texts"}, {"heading": "text", "intro": "text"}),
    "resources": ({"items": "slugs"}, {"heading": "text"}),
    "helplines": ({"items": "slugs"}, {"heading": "text"}),
}
_LESSON_BLOCKS = {
    **_BLOCKS,
    "chapter_link": ({"chapter": "slug"}, {"text": "text"}),
    "chapter_section": ({"chapter": "slug", "section": str}, {}),
}


def _check_block(block, where, known, allowed=_BLOCKS):
    if not isinstance(block, dict) or block.get("type") not in allowed:
        kind = block.get("type") if isinstance(block, dict) else None
        raise FixtureError(f"{where}: unknown block type {kind!r} (expected one of {', '.join(allowed)})")
    required, optional = allowed[block["type"]]
    _fields(block, f"{where} [{block['type']}]", {"type": str, **required}, optional)
    where = f"{where} [{block['type']}]"
    kind = block["type"]
    if kind == "callout" and block.get("variant", "key") not in VARIANTS:
        raise FixtureError(f"{where}: variant must be one of {', '.join(sorted(VARIANTS))}")
    if kind == "indicators":
        for g, group in enumerate(block["groups"], 1):
            _fields(group, f"{where} group {g}", {"category": str, "items": "texts"})
            if group["category"] not in CATEGORIES:
                raise FixtureError(
                    f"{where} group {g}: category '{group['category']}' is not one of "
                    f"{', '.join(sorted(CATEGORIES))}"
                )
    if kind == "steps":
        for n, step in enumerate(block["steps"], 1):
            _fields(step, f"{where} step {n}", {"title": str, "who": str, "what": str}, {"timescale": "text"})
    if kind in ("chapter_link", "chapter_section"):
        if block["chapter"] not in known.chapters:
            raise FixtureError(f"{where}: no chapter with slug '{block['chapter']}'")
        if kind == "chapter_section" and block["section"].strip() not in known.chapters[block["chapter"]]:
            raise FixtureError(
                f"{where}: chapter '{block['chapter']}' has no section headed '{block['section']}'"
            )
    if kind == "local_contacts":
        for code in block["items"]:
            if code not in LOCAL_CONTACT_KINDS:
                raise FixtureError(f"{where}: '{code}' is not one of {', '.join(LOCAL_CONTACT_KINDS)}")
    if kind in ("resources", "helplines"):
        pool = known.resources if kind == "resources" else known.helplines
        for key in block["items"]:
            if key not in pool:
                raise FixtureError(f"{where}: no {kind[:-1]} with key '{key}'")


def _check_course(data, where, known):
    _fields(
        data,
        where,
        {
            "slug": "slug",
            "title": str,
            "order": int,
            "introduction": str,
            "outcomes": "texts",
            "estimated_minutes": int,
            "lessons": list,
        },
        {"agency": "slug", "refresher_months": int, "source": "text", "requires": "slug"},
    )
    if data.get("agency") is not None and data["agency"] not in known.agencies:
        raise FixtureError(f"{where}: unknown agency '{data['agency']}'")
    if data.get("refresher_months", 36) < 1:
        raise FixtureError(f"{where}: refresher_months must be at least 1")
    for n, lesson in enumerate(data["lessons"], 1):
        place = f"{where}: lesson {n}"
        _fields(
            lesson,
            place,
            {"slug": "slug", "title": str, "introduction": str, "sections": list},
            {"estimated_minutes": int},
        )
        _check_sections(lesson["sections"], f"{place} ('{lesson['title']}')", known, _LESSON_BLOCKS)
    _unique(data["lessons"], "slug", where)


def _check_survey(data, where):
    _fields(data, where, {"items": list})
    for i, item in enumerate(data["items"], 1):
        _fields(item, f"{where}: item {i}", {"code": "slug", "text": str})
    _unique(data["items"], "code", where)


def _check_band_sets(data, where):
    _fields(data, where, {"band_sets": list})
    for n, band_set in enumerate(data["band_sets"], 1):
        place = f"{where}: band set {n}"
        _fields(
            band_set,
            place,
            {"key": "slug", "name": str, "bands": list},
            {"current": bool, "edition": str, "brook_current": bool},
        )
        for b, band in enumerate(band_set["bands"], 1):
            _fields(band, f"{place}, band {b}", {"code": str, "label": str, "min_age": int, "max_age": int})
            if band["max_age"] < band["min_age"]:
                raise FixtureError(f"{place}, band {b}: max_age is below min_age")
        _unique(band_set["bands"], "code", place)
    if sum(bool(s.get("current")) for s in data["band_sets"]) != 1:
        raise FixtureError(f"{where}: exactly one band set must be current")
    _unique(data["band_sets"], "key", where)


def _check_behaviours(data, where, known):
    for n, item in enumerate(data, 1):
        _fields(
            item,
            f"{where}: behaviour {n}",
            {"key": "slug", "band": str, "text": str, "colour": str, "reasoning": str},
        )
        if item["band"] not in known.bands:
            raise FixtureError(f"{where}: behaviour {n} has unknown band '{item['band']}'")
        if item["colour"] not in ("green", "amber", "red"):
            raise FixtureError(f"{where}: behaviour {n}: colour must be green, amber or red")


def _check_pool(pool, where, known):
    _fields(
        pool,
        where,
        {"label": str, "count": int},
        {"category": str, "type": str, "age_band": str, "agency": "slug", "difficulty": str},
    )
    if pool["count"] < 1:
        raise FixtureError(f"{where}: count must be at least 1")
    if pool.get("category") and pool["category"] not in dict(INDICATOR_CATEGORIES) | {NO_CATEGORY: ""}:
        raise FixtureError(f"{where}: unknown category '{pool['category']}'")
    if pool.get("type") and pool["type"] not in kinds.codes():
        raise FixtureError(f"{where}: unknown question type '{pool['type']}'")
    if pool.get("age_band") and pool["age_band"] not in known.bands:
        raise FixtureError(f"{where}: unknown age band '{pool['age_band']}'")
    if pool.get("agency") and pool["agency"] not in known.agencies:
        raise FixtureError(f"{where}: unknown agency '{pool['agency']}'")
    if pool.get("difficulty") and pool["difficulty"] not in Difficulty.values:
        raise FixtureError(f"{where}: difficulty must be one of {', '.join(Difficulty.values)}")


def _check_quiz(data, where, known):
    _fields(
        data,
        where,
        {"slug": "slug", "course": "slug", "title": str, "questions": list},
        {
            "introduction": "text",
            "pass_mark": int,
            "max_attempts": int,
            "shuffle": bool,
            "vignettes": list,
            "knowledge_check": int,
            "certainty": bool,
            "review_when_failed": str,
            "review_when_finished": str,
            "draw": list,
        },
    )
    for name in ("review_when_failed", "review_when_finished"):
        if data.get(name, Review.WRONG) not in Review.values:
            raise FixtureError(f"{where}: {name} must be one of {', '.join(Review.values)}")
    if not 0 <= data.get("knowledge_check", 0) <= 30:
        raise FixtureError(f"{where}: knowledge_check must be from 0 to 30 questions")
    for n, pool in enumerate(data.get("draw") or [], 1):
        _check_pool(pool, f"{where}: draw pool {n}", known)
    if data["course"] not in known.courses:
        raise FixtureError(f"{where}: no course with slug '{data['course']}'")
    if not 1 <= data.get("pass_mark", 70) <= 100:
        raise FixtureError(f"{where}: pass_mark must be a percentage from 1 to 100")
    for n, vignette in enumerate(data.get("vignettes") or [], 1):
        _fields(
            vignette,
            f"{where}: vignette {n}",
            {"key": "slug", "title": str, "text": str},
            {"agency": "slug", "age_band": str},
        )
        if vignette.get("agency") and vignette["agency"] not in known.agencies:
            raise FixtureError(f"{where}: vignette {n} has unknown agency '{vignette['agency']}'")
        if vignette.get("age_band") and vignette["age_band"] not in known.bands:
            raise FixtureError(f"{where}: vignette {n} has unknown age band '{vignette['age_band']}'")
    _unique(data.get("vignettes") or [], "key", where)
    vignettes = {v["key"] for v in data.get("vignettes") or []}
    for n, question in enumerate(data["questions"], 1):
        try:
            check_question(
                question,
                f"{where}: question {n}",
                bands=known.bands,
                chapters=known.chapters,
                vignettes=vignettes,
            )
        except QuestionDataError as problem:
            raise FixtureError(str(problem)) from None
    _unique(data["questions"], "key", where)
