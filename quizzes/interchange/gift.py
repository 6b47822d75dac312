"""GIFT, Moodle's plain-text question format: multiple choice (one right answer, or
weighted answers for multiple response), true/false and matching; categories become tags.
Other GIFT types (essay, short answer, numerical, descriptions) are listed as skipped.
Text may carry HTML (Moodle writes it for `[html]` questions): the `=`, `~` and `#` inside
a tag or a character reference belong to the HTML, and the markup is dropped on import.

Each kind that GIFT can express reads its own answers (`Kind.read_gift`), tried in the
kinds' `gift_order`; the helpers here are shared by the kinds.

A syntax error stops the import with its line number; nothing is created."""

import re

from quizzes import kinds
from quizzes.interchange.plan import ImportError_, ImportPlan, check_size, plain_text

_ESCAPES = {"\\~": "~", "\\=": "=", "\\#": "#", "\\{": "{", "\\}": "}", "\\:": ":", "\\\\": "\\", "\\n": " "}
WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
_MARKUP = re.compile(r"</?[a-zA-Z][^<>]*>|&#?\w+;")  # a tag or a character reference


def unescape(text):
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


def split_unescaped(text, separators):
    """Split `text` before each separator character that is GIFT syntax, keeping it."""
    cuts = [0, *_syntax_positions(text, separators), len(text)]
    return [text[a:b] for a, b in zip(cuts, cuts[1:], strict=False)]


def find_unescaped(text, char, start=0):
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
        title, block = unescape(block[2:end]), block[end + 2 :].strip()
    block = re.sub(r"^\[(html|moodle|plain|markdown)\]", "", block)
    opening = find_unescaped(block, "{")
    if opening == -1:
        if find_unescaped(block, "}") != -1:
            raise ImportError_(f"Line {line}: a “}}” has no matching “{{”.")
        plan.skipped.append(f"Description: “{title or unescape(block)[:60]}”")
        return
    closing = find_unescaped(block, "}", opening)
    if closing == -1:
        raise ImportError_(f"Line {line}: the answers are not closed with “}}”.")
    text = unescape(block[:opening] + " " + block[closing + 1 :])
    body = block[opening + 1 : closing].strip()
    name = title or text[:60]
    general = ""
    feedback_at = body.find("####")
    if feedback_at != -1:
        body, general = body[:feedback_at].strip(), unescape(body[feedback_at + 4 :])
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
    readers = sorted((k for k in kinds.all_kinds() if k.gift_order is not None), key=lambda k: k.gift_order)
    for kind in readers:
        if kind.read_gift(body, data, line):
            return data["type"]
    return None


def answer_items(body, line):
    """The `=` and `~` answers of a block, each starting with its mark."""
    items = [item.strip() for item in split_unescaped(body, "=~") if item.strip()]
    if not items or any(item[0] not in "=~" for item in items):
        raise ImportError_(f"Line {line}: each answer must start with “=” or “~”.")
    return items
