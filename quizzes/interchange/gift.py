"""GIFT, Moodle's plain-text question format: multiple choice (one right answer, or
weighted answers for multiple response), true/false and matching; categories become tags.
Other GIFT types (essay, short answer, numerical, descriptions) are listed as skipped.
Text may carry HTML (Moodle writes it for `[html]` questions): the `=`, `~` and `#` inside
a tag or a character reference belong to the HTML, and the markup is dropped on import.

A syntax error stops the import with its line number; nothing is created."""

import re

from quizzes.interchange.plan import ImportError_, ImportPlan, check_size, plain_text

_ESCAPES = {"\\~": "~", "\\=": "=", "\\#": "#", "\\{": "{", "\\}": "}", "\\:": ":", "\\\\": "\\", "\\n": " "}
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
_MARKUP = re.compile(r"</?[a-zA-Z][^<>]*>|&#?\w+;")  # a tag or a character reference


def _unescape(text):
    return plain_text(re.sub(r"\\[~=#{}:\\n]", lambda m: _ESCAPES[m.group(0)], text))


def _syntax_positions(text, chars, start=0):
    """Indexes from `start` of the characters in `chars` that are GIFT syntax: not escaped
    with a backslash and not inside an HTML tag or character reference."""
    index = start
    while index < len(text):
        markup = _MARKUP.match(text, index)
        if markup:
            index = markup.end()
            continue
        if text[index] == "\\":
            index += 2
            continue
        if text[index] in chars:
            yield index
        index += 1


def _split_unescaped(text, separators):
    """Split `text` before each separator character that is GIFT syntax, keeping it."""
    cuts = [0, *_syntax_positions(text, separators), len(text)]
    return [text[a:b] for a, b in zip(cuts, cuts[1:], strict=False)]


def _find_unescaped(text, char, start=0):
    return next(_syntax_positions(text, char, start), -1)


def _blocks(source):
    """(first line number, block text) for each question, split at blank lines outside braces."""
    blocks, current, start, depth = [], [], None, 0
    for number, line in enumerate(source.splitlines(), 1):
        if line.strip().startswith("//") and depth == 0:
            continue
        if not line.strip() and depth == 0:
            if current:
                blocks.append((start, "\n".join(current)))
                current, start = [], None
            continue
        if start is None:
            start = number
        current.append(line)
        depth += line.count("{") - line.count("\\{") - (line.count("}") - line.count("\\}"))
    if current:
        blocks.append((start, "\n".join(current)))
    return blocks


def parse(content: bytes) -> ImportPlan:
    check_size(content)
    try:
        source = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportError_("The GIFT file is not UTF-8 text.") from None
    plan, category = ImportPlan(), ""
    for line, block in _blocks(source):
        if block.lstrip().startswith("$CATEGORY:"):
            category = re.sub(r"^\$[a-z]+\$/?", "", block.split(":", 1)[1].strip()).strip("/")
            continue
        _question(plan, line, block.strip(), category)
    if not plan.questions and not plan.skipped:
        raise ImportError_("No questions were found in the GIFT file.")
    return plan


def _question(plan, line, block, category):
    title = ""
    if block.startswith("::"):
        end = block.find("::", 2)
        if end == -1:
            raise ImportError_(f"Line {line}: the question title is not closed with “::”.")
        title, block = _unescape(block[2:end]), block[end + 2 :].strip()
    block = re.sub(r"^\[(html|moodle|plain|markdown)\]", "", block)
    opening = _find_unescaped(block, "{")
    if opening == -1:
        if _find_unescaped(block, "}") != -1:
            raise ImportError_(f"Line {line}: a “}}” has no matching “{{”.")
        plan.skipped.append(f"Description: “{title or _unescape(block)[:60]}”")
        return
    closing = _find_unescaped(block, "}", opening)
    if closing == -1:
        raise ImportError_(f"Line {line}: the answers are not closed with “}}”.")
    text = _unescape(block[:opening] + " " + block[closing + 1 :])
    body = block[opening + 1 : closing].strip()
    name = title or text[:60]
    general = ""
    feedback_at = body.find("####")
    if feedback_at != -1:
        body, general = body[:feedback_at].strip(), _unescape(body[feedback_at + 4 :])
    data = {
        "key": plan.unique_key(name),
        "text": text,
        "explanation": general,
        "tags": [category] if category else [],
    }
    if not text:
        raise ImportError_(f"Line {line}: the question has no text.")
    kind = _answers(body, data, line)
    if kind is None:
        label = "Essay" if not body else ("Numerical" if body.startswith("#") else "Short answer")
        plan.skipped.append(f"{label}: “{name}”")
        return
    if not general:
        plan.warnings.append(f"“{name}” has no general feedback: add an explanation after importing.")
    plan.questions.append(data)


def _answers(body, data, line):
    """Fill `data` with the answers in `body`; None for a type we do not import."""
    if not body or body.startswith("#"):
        return None
    truth = body.split("#", 1)[0].strip().upper()
    if truth in ("T", "TRUE", "F", "FALSE"):
        data.update(type="true_false", correct=truth in ("T", "TRUE"))
        return "true_false"
    items = [item.strip() for item in _split_unescaped(body, "=~") if item.strip()]
    if not items or any(item[0] not in "=~" for item in items):
        raise ImportError_(f"Line {line}: each answer must start with “=” or “~”.")
    if all(item.startswith("=") and "->" in item for item in items):
        pairs = []
        for item in items:
            term, definition = item[1:].split("->", 1)
            pairs.append({"term": _unescape(term)[:120], "definition": _unescape(definition)})
        if len(pairs) < 2:
            raise ImportError_(f"Line {line}: a matching question needs at least two pairs.")
        data.update(type="matching", pairs=[p for p in pairs if p["term"]])
        return "matching"
    if "->" in body:
        raise ImportError_(f"Line {line}: every matching answer must be “=term -> answer”.")
    options, weighted = [], False
    for item in items:
        mark, rest = item[0], item[1:].strip()
        weight = _WEIGHT.match(rest)
        if weight:
            weighted = True
            rest = rest[weight.end() :]
        feedback_at = _find_unescaped(rest, "#")
        answer, feedback = (rest[:feedback_at], rest[feedback_at + 1 :]) if feedback_at != -1 else (rest, "")
        correct = (float(weight.group(1)) > 0) if weight else mark == "="
        option = {"text": _unescape(answer), "correct": correct}
        if _unescape(feedback):
            option["feedback"] = _unescape(feedback)
        options.append(option)
    if not any(item.startswith("~") for item in items):
        return None  # only right answers: a short-answer question
    if len(options) < 2 or not any(o["correct"] for o in options):
        raise ImportError_(
            f"Line {line}: a multiple choice question needs a right answer and at least two answers."
        )
    single = not weighted and sum(o["correct"] for o in options) == 1
    data.update(type="single_choice" if single else "multiple_response", options=options)
    return data["type"]
