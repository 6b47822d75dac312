"""Finding helpline and local-contact numbers typed into prose.

Why: a number typed into a chapter stays wrong when the service changes it, while the
Helpline snippets and the partnership's local contacts are checked and corrected in one
place. So text blocks refuse any number that belongs to a helpline or local contact and
ask the editor for a helplines or local contacts block instead.

Numbers are compared by their digits, with +44 (or 0044, and the "(0)" people write after
it) read as the leading 0, so "0808 800 5000", "0808-800-5000" and "+44 808 800 5000" are
the same number. Short numbers that belong to no helpline or contact (999) are fine.
"""

import html
import re
from dataclasses import dataclass

from django.apps import apps

# A run of digit groups, each optionally bracketed ("(020)", "(0)20"), joined by spaces or one
# hyphen, with an optional leading "+". Not part of a word: "ref12345" and "18th" are not numbers.
_RUN = re.compile(r"(?<![\w+])\+?\(?\d+\)?\d*(?:(?:\s+|-)\(?\d+\)?\d*)*(?!\w)")
_GROUP = re.compile(r"\s+|-")
# Bold, italic and links sit inside a number ("<b>0808</b> 800 5000"); other tags end a line.
_INLINE_TAG = re.compile(r"</?(?:a|b|i|strong|em|span)\b[^>]*>")
_TAG = re.compile(r"<[^>]*>")
MIN_DIGITS = 3


def digits(number):
    """The digits that identify `number`, with the UK country code read as a leading 0."""
    written = number.strip()
    plus = written.startswith("+")
    only = written.replace("(0)", "") if plus or written.startswith("0044") else written
    only = "".join(ch for ch in only if ch.isdigit())
    if plus and only.startswith("44"):
        return "0" + only[2:]
    if only.startswith("0044"):
        return "0" + only[4:]
    return only


def find_numbers(text):
    """Every phone-like run of digits in `text` (HTML tags ignored), as written."""
    plain = html.unescape(_TAG.sub(" ", _INLINE_TAG.sub("", text or "")))
    return [m.group(0) for m in _RUN.finditer(plain) if sum(ch.isdigit() for ch in m.group(0)) >= MIN_DIGITS]


@dataclass(frozen=True)
class KnownNumber:
    service: str
    kind: str  # "helpline" or "local contact"


@dataclass(frozen=True)
class Found:
    written: str
    known: KnownNumber

    @property
    def message(self):
        block = "a helplines block" if self.known.kind == "helpline" else "a local contacts block"
        return (
            f"“{self.written}” is the {self.known.service}’s number: use {block} instead, "
            "so the number stays right when it changes."
        )


def known_numbers():
    """{digits: KnownNumber} for every helpline and every site's local contacts. The models
    are looked up by name, not imported: they are built from cms.blocks, which uses this."""
    Helpline = apps.get_model("cms", "Helpline")
    LocalContact = apps.get_model("cms", "LocalContact")
    known = {}
    for contact in LocalContact.objects.exclude(phone="").only("phone", "name", "kind"):
        service = contact.name or contact.get_kind_display()
        known[digits(contact.phone)] = KnownNumber(service, "local contact")
    for name, number in Helpline.objects.values_list("name", "number"):
        known[digits(number)] = KnownNumber(name, "helpline")
    known.pop("", None)
    return known


def find_known(text, known=None):
    """The helpline and local-contact numbers in `text`, in the order they appear.

    A run such as "in 2023 0800 1111" holds a number among other digits, so every stretch
    of whole groups in a run is tried, longest first."""
    runs = find_numbers(text)
    if not runs:
        return []
    known = known_numbers() if known is None else known
    found = []
    for run in runs:
        groups = _GROUP.split(run)
        start = 0
        while start < len(groups):
            for end in range(len(groups), start, -1):
                written = " ".join(groups[start:end])
                match = known.get(digits(written))
                if match is not None:
                    found.append(Found(_as_written(run, groups, start, end), match))
                    start = end
                    break
            else:
                start += 1
    return found


def _as_written(run, groups, start, end):
    """The part of `run` made of groups start..end-1, with its own separators."""
    separators = _GROUP.findall(run)
    text = groups[start]
    for i in range(start + 1, end):
        text += separators[i - 1] + groups[i]
    if text.startswith("(") and (text.endswith(")") or text.count("(") > text.count(")")):
        text = text[1:]
    if text.endswith(")") and text.count(")") > text.count("("):
        text = text[:-1]
    return text
