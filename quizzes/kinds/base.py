"""What a kind of question declares. A kind module subclasses `Kind`, names its model and
fills in what differs; the defaults fit a question with no parts that Moodle cannot show
(it is exported as a Moodle description that carries our full data, so it comes back here
unchanged) and that GIFT cannot express.

The methods come in the order a question lives: loaded and snapshotted, laid out, read
from the form, marked, reported; then checked, built, exported and imported as data."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from xml.etree.ElementTree import Element

from django.db import models
from django.http import QueryDict


@dataclass
class Marked:
    """A marked answer: the fraction of the question's points earned (0 to 1) and one line
    of feedback per part, so the result page can say what was right and why."""

    score: Fraction
    parts: list = field(default_factory=list)

    @property
    def right(self) -> bool:
        return self.score == 1


def whole(is_right: bool) -> Fraction:
    """All or nothing."""
    return Fraction(1 if is_right else 0)


def ticks(items: list[dict], chosen: set, is_correct: Callable[[dict], bool]) -> Fraction:
    """Fair partial credit: each right tick earns a share, each wrong tick costs one."""
    correct_ids = {item["id"] for item in items if is_correct(item)}
    right = len(chosen & correct_ids)
    wrong = len(chosen - correct_ids)
    if not correct_ids:
        return whole(not chosen)
    return max(Fraction(0), Fraction(right - wrong, len(correct_ids)))


@dataclass
class BuildContext:
    """What building a question from data may need besides the data: `where` names the
    question in error messages, `bands` are the current age bands by code, and
    `update_shared` says whether shared rows it names (traffic-light behaviours) are
    brought up to date from the data or used as they are."""

    where: str
    bands: dict
    update_shared: bool = True


class Kind:
    """The base of every kind. This module imports nothing of the app's own, so the
    registry, the models and the generic code can all import it without a cycle; a
    question is a `quizzes.models.Question` subclass, annotated here as a model."""

    model: type[models.Model]
    icon = "help"
    menu_order = 100  # where the admin menu lists the kind
    data_fields: frozenset[str] = frozenset()  # the kind's own fields in question data
    part_model: type[models.Model] | None = None  # rows with a `question` key, in sort order
    related: tuple[str, ...] = ()  # relations the snapshot reads, loaded for all questions at once
    moodle_type = "description"
    moodle_imports: dict[str, Callable] = {}  # Moodle question type -> reader filling our data
    gift_order: int | None = None  # when GIFT answers are tried as this kind; None: never

    @property
    def code(self) -> str:
        return self.model.type_code

    @property
    def label(self) -> str:
        return self.model.type_label

    @property
    def question_template(self) -> str:
        return f"quizzes/questions/{self.code}.html"

    @property
    def feedback_template(self) -> str:
        return f"quizzes/feedback/{self.code}.html"

    # -- loading and snapshots ---------------------------------------------------------

    def load_parts(self, question_ids: Iterable[int]) -> dict[int, list]:
        """{question id: [parts]} for these questions of this kind, in one query. Kinds that
        share a `part_model` are loaded together, through one of them."""
        parts = defaultdict(list)
        if self.part_model is not None:
            rows = self.part_model.objects.filter(question_id__in=question_ids).order_by("sort_order", "pk")
            for part in rows:
                parts[part.question_id].append(part)
        return parts

    def snapshot(self, question: models.Model, parts: list) -> dict:
        """The kind's own part of the snapshot: what the learner is shown and what counts as right."""
        return {}

    # -- the attempt ---------------------------------------------------------------------

    shuffled: tuple[str, ...] = ()  # the lists of parts the form shows in a random order

    def layout(self, shown: dict, rng: random.Random) -> None:
        """Shuffle what the form shows, in place (stable for the attempt through `rng`, whose
        seed is the attempt's secret): the lists named in `shuffled`, and whatever else a
        kind adds. No order the learner sees may follow the right answer."""
        for name in self.shuffled:
            parts = list(shown[name])
            rng.shuffle(parts)
            shown[name] = parts

    def read_answer(self, snapshot: dict, post: QueryDict, prefix: str, position: int) -> dict:
        """The answer from the form fields named `prefix...`; `AnswerError` for tampering,
        `IncompleteAnswer` for a mistake the page should explain."""
        return {}

    def form_fields(self, snapshot: dict, answer: dict) -> dict:
        """The form fields (names after the prefix) that send `answer`: the inverse of
        `read_answer`, used to answer for demo learners and tests."""
        return {}

    def mark(self, snapshot: dict, answer: dict) -> Marked:
        raise NotImplementedError

    def model_answer(self, snapshot: dict) -> dict:
        """The answer that scores full marks."""
        raise NotImplementedError

    def indicator_marks(self, snapshot: dict, answer: dict) -> list[tuple]:
        """(category, category label, ticked) rows for the insight report."""
        return []

    def colour_marks(self, snapshot: dict, answer: dict) -> list[tuple]:
        """(age band, right colour, chosen colour or "none") rows for the insight report."""
        return []

    def viewset(self):
        """The admin screens for this kind: a SnippetViewSet class, or None for the standard
        one (`quizzes.viewsets.question_viewset`: listed by quiz and position)."""
        return None

    # -- data: check, build, export, import ---------------------------------------------

    def check(self, data: dict, where: str, bands: dict | None) -> None:
        """Raise `QuestionDataError` for anything wrong in the kind's own fields."""

    def build(self, question: models.Model, data: dict, context: BuildContext) -> None:
        """Set the kind's fields and parts on an unsaved (or existing) question."""

    def after_save(self, question: models.Model, data: dict, context: BuildContext) -> None:
        """Set what needs the question saved first (many-to-many links)."""

    def to_data(self, question: models.Model, parts: list) -> dict:
        """The kind's own fields as plain data (the inverse of `build`)."""
        return {}

    def write_moodle(self, element: Element, data: dict) -> None:
        """Moodle's own answers for `element`, a <question> of `moodle_type`."""

    def read_gift(self, body: str, data: dict, line: int) -> bool:
        """Fill `data` from a GIFT answer block if it is of this kind."""
        return False
