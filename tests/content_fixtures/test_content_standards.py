"""What a safeguarding trainer expects of every page the hub ships, checked on the data files.

- Our own words: no run of ten or more words shared with a source document, except text
  marked as quoted (a `quote` block, credited), a `definition` block (with its source) and
  the title of a publication, set in italics (`<em>`) as in a reference list.
- No phone number in body text except 999: a helpline's number comes from its helplines
  block and a local number from the partnership's local contacts, which editors keep, so
  that a changed number is right everywhere at once.
- Every course speaks to the three groups seed 001 says all training must name: early
  years, children with disabilities and children from minority ethnic backgrounds.
- Every quiz question points the learner to the toolkit chapter that covers it.
"""

import html
import re
from pathlib import Path

import pytest
import yaml

from quizzes.models import Question

DATA = Path(__file__).resolve().parents[2] / "content_fixtures" / "data"
# The workplace's shared folder sits beside the repository in CI; a clone elsewhere on a
# workplace machine finds it at its usual place.
_SHARED = [Path(__file__).resolve().parents[3] / "shared", Path("/work/shared")]
SEEDS = next((p / "seeds" for p in _SHARED if (p / "seeds").is_dir()), _SHARED[0] / "seeds")

RUN = 10  # words in a row that make a copied run
# A publication's title in running text is set in italics; longer italic text is prose.
TITLE = re.compile(r"<(em|i)>((?:(?!</\1>).){1,200})</\1>", re.S)
TITLE_WORDS = 25
TITLE_STANDS_IN = " \u2016 "  # not a word: a copied run cannot pass through a title

# Blocks whose text is someone else's words on purpose, shown with whose words they are.
QUOTED_BLOCKS = {"quote", "definition"}
# Fields that name a source rather than say something: document titles, addresses, credits.
NAMING_FIELDS = {"source", "url", "attribution", "key", "slug"}

ALLOWED_NUMBERS = {"999"}  # the emergency number; every other number is a helpline or a local contact
PHONE_NUMBER = re.compile(r"(?<![\d£.,])(?:\+44\s?|0)\d(?:[ \n\d]{7,11})\d(?!\d)|\b(?:999|101|111|112|116 ?\d{3})\b")

THREE_GROUPS = {
    "early years": re.compile(r"early years"),
    "children with disabilities": re.compile(r"disab"),
    "children from minority ethnic backgrounds": re.compile(r"minority ethnic"),
}


def words(text):
    """Lower-case words of `text` with HTML tags and entities removed; apostrophes kept inside words.

    A title taken out of the text leaves a mark that splits the words either side of it.
    """
    text = html.unescape(re.sub(r"<[^>]+>", " ", text)).lower().replace("\u2019", "'")
    return re.findall(r"[a-z0-9]+(?:'[a-z]+)?|\u2016", text)


def seed_runs():
    """Every run of RUN words in the source documents."""
    runs = set()
    for path in sorted(SEEDS.glob("*.txt")):
        seed = words(path.read_text(encoding="utf-8"))
        runs.update(tuple(seed[i : i + RUN]) for i in range(len(seed) - RUN + 1))
    return runs


def our_text(node, where=""):
    """(where, text) for every piece of text in a data file that is written in our own voice."""
    if isinstance(node, dict):
        if node.get("type") in QUOTED_BLOCKS:
            return
        is_resource = "provider" in node and "url" in node  # a resource's title is a document's title
        for name, value in node.items():
            if name in NAMING_FIELDS or (is_resource and name == "title"):
                continue
            yield from our_text(value, f"{where}/{name}")
    elif isinstance(node, list):
        for position, value in enumerate(node):
            yield from our_text(value, f"{where}/{position}")
    elif isinstance(node, str):
        yield where, node


def without_titles(text):
    """`text` with each short italic span (a publication's title) taken out."""
    return TITLE.sub(lambda m: TITLE_STANDS_IN if len(words(m[2])) <= TITLE_WORDS else m[0], text)


def copied_runs(text, runs):
    """The longest stretches of `text` made of RUN-word runs that also occur in `runs`."""
    tokens = words(without_titles(text))
    copied = [False] * len(tokens)
    for i in range(len(tokens) - RUN + 1):
        if tuple(tokens[i : i + RUN]) in runs:
            copied[i : i + RUN] = [True] * RUN
    found, start = [], None
    for i, flag in enumerate([*copied, False]):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            found.append(" ".join(tokens[start:i]))
            start = None
    return found


def data_files():
    return sorted(DATA.rglob("*.yaml"))


def read(path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def course_files():
    return sorted((DATA / "courses").glob("*.yaml"))


def quiz_files():
    return sorted((DATA / "quizzes").glob("*.yaml"))


# -- our own words ------------------------------------------------------------------------------


def test_the_seeds_are_there_to_compare_against():
    assert len(list(SEEDS.glob("*.txt"))) == 5, f"the five source documents are not in {SEEDS}"


def test_no_run_of_ten_words_is_copied_from_a_source_document():
    runs = seed_runs()
    copied = [
        f"{path.relative_to(DATA)}{where}: {run}"
        for path in data_files()
        for where, text in our_text(read(path))
        for run in copied_runs(text, runs)
    ]
    assert not copied, "Rewrite in our own words, or mark as a quote or definition:\n" + "\n".join(copied)


def test_the_check_finds_a_copied_sentence_and_spares_quotations_and_definitions():
    seed = (SEEDS / "004_4f6851f20cf2aa6f.txt").read_text(encoding="utf-8").split()
    borrowed = " ".join(seed[400:412])  # twelve words straight from the Kent toolkit
    runs = seed_runs()
    chapter = {"sections": [{"heading": "Borrowed", "blocks": [{"type": "text", "html": f"<p>{borrowed}</p>"}]}]}
    assert [run for _, text in our_text(chapter) for run in copied_runs(text, runs)] == [" ".join(words(borrowed))]
    for kind in QUOTED_BLOCKS:
        marked = {"sections": [{"heading": "Marked", "blocks": [{"type": kind, "text": borrowed}]}]}
        assert [run for _, text in our_text(marked) for run in copied_runs(text, runs)] == []
    one_word_changed = words(borrowed)
    one_word_changed[5] = "zebra"
    assert copied_runs(" ".join(one_word_changed), runs) == []
    assert copied_runs(f"<p>As <em>{borrowed}</em> says.</p>", runs) == []  # a title
    long_italics = " ".join(seed[400:430])  # thirty words in italics are prose, not a title
    assert copied_runs(f"<p><em>{long_italics}</em></p>", runs) == [" ".join(words(long_italics))]


# -- phone numbers ------------------------------------------------------------------------------


def test_no_phone_number_is_typed_into_body_text_except_999():
    allowed = {re.sub(r"\s", "", n) for n in ALLOWED_NUMBERS}
    strays = [
        f"{path.relative_to(DATA)}{where}: {number}"
        for path in data_files()
        if path.name != "helplines.yaml"
        for where, text in our_text(read(path))
        for number in PHONE_NUMBER.findall(html.unescape(text))
        if re.sub(r"\s", "", number) not in allowed
    ]
    assert not strays, "Use a helpline or a local_contacts block instead of typing a number:\n" + "\n".join(strays)


@pytest.mark.parametrize(
    "text, found",
    [
        ("Call the front door on 01632 960 123 today.", ["01632 960 123"]),
        ("Police non-emergency: 101.", ["101"]),
        ("Ring 0300 123 3393 or 999.", ["0300 123 3393", "999"]),
        ("Samaritans: 116 123.", ["116 123"]),
        ("In 2023, 45 working days, 15% of 1,000 children, £1,200, 151 areas, page 114.", []),
    ],
)
def test_the_number_check_finds_phone_numbers_and_not_other_figures(text, found):
    assert PHONE_NUMBER.findall(text) == found


# -- the three groups every course must name --------------------------------------------------------


@pytest.mark.parametrize("path", course_files(), ids=lambda p: p.stem)
def test_every_course_covers_early_years_disabilities_and_minority_ethnic_children(path):
    lessons = read(path)["lessons"]
    text = " ".join(" ".join(words(t)) for _, t in our_text(lessons))
    missing = [group for group, pattern in THREE_GROUPS.items() if not pattern.search(text)]
    assert not missing, f"{path.name} lessons say nothing about: {', '.join(missing)}"


# -- every question points to its chapter ------------------------------------------------------------


@pytest.mark.parametrize("path", quiz_files(), ids=lambda p: p.stem)
def test_every_quiz_question_names_a_toolkit_chapter(path):
    chapters = {read(p)["slug"] for p in (DATA / "chapters").glob("*.yaml")}
    questions = read(path)["questions"]
    unlinked = [q["key"] for q in questions if q.get("chapter") not in chapters]
    assert not unlinked, f"{path.name}: questions without a toolkit chapter: {', '.join(unlinked)}"


@pytest.mark.django_db
def test_every_loaded_question_links_to_a_live_chapter():
    assert Question.objects.exists()
    assert list(Question.objects.filter(chapter__isnull=True).values_list("key", flat=True)) == []
    assert not Question.objects.exclude(chapter__live=True).exists()


# -- a child in a quiz has one age, and not one that sits in two bands ---------------------------------

TWO_BAND_AGE = re.compile(
    r"\b(?:5|9|13|five|nine|thirteen)[- ]year[- ]old\b|\baged (?:5|9|13|five|nine|thirteen)\b(?! to)", re.I
)
AGE_RANGE = re.compile(r"\b(?:aged|is) \d+ (?:or|to) \d+\b|\b\d+ or \d+[- ]year[- ]old", re.I)


@pytest.mark.parametrize("path", quiz_files(), ids=lambda p: p.stem)
def test_every_child_in_a_quiz_has_one_age_that_sits_in_one_band(path):
    quiz = read(path)
    scenes = [(f"vignette {v['key']}", v["text"]) for v in quiz.get("vignettes", [])]
    scenes += [(f"question {q['key']}", q["text"]) for q in quiz["questions"]]
    problems = [
        f"{where}: '{match}'"
        for where, text in scenes
        for pattern in (TWO_BAND_AGE, AGE_RANGE)
        for match in pattern.findall(text)
    ]
    assert not problems, f"{path.name}: give each child one age, not 5, 9 or 13:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    "text, flagged",
    [
        ("Her son, a nine-year-old, is quiet.", True),
        ("A boy aged 13 is waiting.", True),
        ("Two children, aged 14 or 15.", True),
        ("A girl aged 12 and her brother, six.", False),
        ("For young people from 13 to 16, what age gap is an indicator?", False),  # a rule, not a child
    ],
)
def test_the_age_check_flags_two_band_ages_and_ranges(text, flagged):
    assert bool(TWO_BAND_AGE.search(text) or AGE_RANGE.search(text)) is flagged
