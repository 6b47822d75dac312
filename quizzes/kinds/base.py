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
from dataclasses import dataclass
from xml.etree.ElementTree import Element

from django.db import models
from django.http import QueryDict

from quizzes.models import Question
from quizzes.scoring import Marked
from quizzes.viewsets import question_viewset


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
    model: type[Question]
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

    def snapshot(self, question: Question, parts: list) -> dict:
        """The kind's own part of the snapshot: what the learner is shown and what counts as right."""
        return {}

    # -- the attempt ---------------------------------------------------------------------

    def layout(self, shown: dict, rng: random.Random) -> None:
        """Shuffle what the form shows, in place (stable for the attempt through `rng`)."""

    def read_answer(self, snapshot: dict, post: QueryDict, prefix: str, position: int) -> dict:
        """The answer from the form fields named `prefix...`; `AnswerError` for tampering,
        `IncompleteAnswer` for a mistake the page should explain."""
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
        """The admin screens for this kind."""
        return question_viewset(self.model, self.icon)

    # -- data: check, build, export, import ---------------------------------------------

    def check(self, data: dict, where: str, bands: dict | None) -> None:
        """Raise `QuestionDataError` for anything wrong in the kind's own fields."""

    def build(self, question: Question, data: dict, context: BuildContext) -> None:
        """Set the kind's fields and parts on an unsaved (or existing) question."""

    def after_save(self, question: Question, data: dict, context: BuildContext) -> None:
        """Set what needs the question saved first (many-to-many links)."""

    def to_data(self, question: Question, parts: list) -> dict:
        """The kind's own fields as plain data (the inverse of `build`)."""
        return {}

    def write_moodle(self, element: Element, data: dict) -> None:
        """Moodle's own answers for `element`, a <question> of `moodle_type`."""

    def read_gift(self, body: str, data: dict, line: int) -> bool:
        """Fill `data` from a GIFT answer block if it is of this kind."""
        return False
