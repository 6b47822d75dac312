"""Matching: match each term to its definition; each right match earns a share. Moodle's
matching and GIFT's `=term -> definition` answers."""

from fractions import Fraction

from cms.sanitiser import clean_text
from quizzes.answers import keyed, read_int
from quizzes.interchange.gift import answer_items, unescape
from quizzes.interchange.moodle_xml import text_of, write_pairs
from quizzes.interchange.plan import ImportError_, plain_text
from quizzes.interchange.validate import check_list, check_text
from quizzes.kinds import register
from quizzes.kinds.base import Kind, Marked
from quizzes.models import MatchingQuestion, MatchPair

NO_ANSWER = "No answer"


def answer_id(pair):
    """The id of a pair's definition (snapshots made before it had one use the pair's id)."""
    return pair.get("answer_id", pair["id"])


def read_moodle_matching(element, data, plan, name):
    pairs = []
    for sub in element.findall("subquestion"):
        term, definition = plain_text(text_of(sub, "text")), plain_text(text_of(sub, "answer/text"))
        if not term:
            plan.warnings.append(f"“{name}”: an extra wrong answer (“{definition}”) was dropped.")
            continue
        pairs.append({"term": term[:120], "definition": definition})
    if len(pairs) < 2:
        raise ValueError("it needs at least two pairs")
    data.update(type="matching", pairs=pairs)


@register
class MatchingKind(Kind):
    model = MatchingQuestion
    icon = "link"
    menu_order = 80
    data_fields = frozenset({"pairs"})
    part_model = MatchPair
    moodle_type = "matching"
    moodle_imports = {"matching": read_moodle_matching}
    gift_order = 20
    shuffled = ("pairs",)

    def snapshot(self, question, parts):
        # A term and its definition carry different ids (`answer_id`), so that in an attempt,
        # where ids are replaced by random numbers, a term's field never names its answer.
        return {
            "pairs": [
                {"id": p.pk, "answer_id": p.pk, "term": p.term, "definition": p.definition} for p in parts
            ]
        }

    def layout(self, shown, rng):
        super().layout(shown, rng)
        definitions = [{"id": answer_id(p), "text": p["definition"]} for p in shown["pairs"]]
        rng.shuffle(definitions)
        shown["definitions"] = definitions

    def read_answer(self, snapshot, post, prefix, position):
        terms = {pair["id"] for pair in snapshot["pairs"]}
        answers = {answer_id(pair) for pair in snapshot["pairs"]}
        matches = {}
        for term_id, value in keyed(post, prefix + "term-").items():
            read_int(term_id, terms, prefix)
            if value:
                matches[term_id] = read_int(value, answers, prefix)
        return {"matches": matches}

    def form_fields(self, snapshot, answer):
        return {f"term-{term}": str(choice) for term, choice in answer.get("matches", {}).items()}

    def mark(self, snapshot, answer):
        matches = {str(k): v for k, v in answer.get("matches", {}).items()}
        by_id = {answer_id(p): p for p in snapshot["pairs"]}
        parts, right = [], 0
        for pair in snapshot["pairs"]:
            chosen = matches.get(str(pair["id"]))
            is_right = chosen == answer_id(pair)
            right += is_right
            parts.append(
                {
                    "text": pair["term"],
                    "chosen": by_id[chosen]["definition"] if chosen in by_id else NO_ANSWER,
                    "correct": pair["definition"],
                    "right": is_right,
                }
            )
        return Marked(Fraction(right, len(snapshot["pairs"])), parts)

    def model_answer(self, snapshot):
        return {"matches": {str(p["id"]): answer_id(p) for p in snapshot["pairs"]}}

    def check(self, data, where, bands):
        check_list(data["pairs"], f"{where}: pairs", 2, 10)
        for n, pair in enumerate(data["pairs"], 1):
            check_text(pair.get("term"), f"{where}: pair {n} term", 120)
            check_text(pair.get("definition"), f"{where}: pair {n} definition", 400)

    def build(self, question, data, context):
        question.pairs = [
            MatchPair(term=clean_text(p["term"]), definition=clean_text(p["definition"]))
            for p in data["pairs"]
        ]

    def to_data(self, question, parts):
        return {"pairs": [{"term": p.term, "definition": p.definition} for p in parts]}

    def write_moodle(self, element, data):
        write_pairs(element, [(p["term"], p["definition"]) for p in data["pairs"]])

    def read_gift(self, body, data, line):
        items = answer_items(body, line)
        if not all(item.startswith("=") and "->" in item for item in items):
            return False
        pairs = []
        for item in items:
            term, definition = item[1:].split("->", 1)
            pairs.append({"term": unescape(term)[:120], "definition": unescape(definition)})
        if len(pairs) < 2:
            raise ImportError_(f"Line {line}: a matching question needs at least two pairs.")
        data.update(type="matching", pairs=[p for p in pairs if p["term"]])
        return True
