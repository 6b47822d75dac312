"""The one place where HTML not made by Wagtail's editor is cleaned.

Wagtail cleans rich text only when it arrives through the editor; HTML that code loads
(content fixtures, imports, anything a learner types) comes through here instead. Keeping
bleach behind these functions means a later swap of library touches one file.
"""

import html
import re

import bleach

ALLOWED_TAGS = frozenset({"p", "br", "ul", "ol", "li", "b", "strong", "i", "em", "h3", "h4", "a"})
ALLOWED_ATTRIBUTES = {"a": ["href"]}
ALLOWED_PROTOCOLS = frozenset({"https", "http", "mailto", "tel"})

# bleach removes disallowed tags but keeps their text; script and style bodies are not
# text a reader should see, so they go first. Anything this misses is still escaped below.
_CODE_ELEMENTS = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)

_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
)
_text_cleaner = bleach.Cleaner(tags=set(), attributes={}, strip=True, strip_comments=True)


def clean_html(markup: str) -> str:
    """Return `markup` keeping only the tags, attributes and link schemes the site renders."""
    return _cleaner.clean(_CODE_ELEMENTS.sub("", markup or "")).strip()


def _visible_text(text: str) -> str:
    # bleach escapes what it keeps (`&amp;`, `&lt;`); unescaped, that is the text a reader sees.
    return html.unescape(_text_cleaner.clean(_CODE_ELEMENTS.sub("", text)))


def clean_text(text: str) -> str:
    """Return `text` with all markup removed, for fields that are never HTML.

    Unescaping the cleaned text would turn an escaped tag (`&lt;script&gt;`) into a live one,
    which then reaches every output that does not escape (CSV, email, PDF). So cleaning
    repeats until nothing changes: markup escaped once or many times is removed like markup,
    while a lone `<` or `&` stays as the reader typed it. Templates escape on output.
    Each round only shortens the text, so it settles within its length.
    """
    cleaned = text or ""
    for _ in range(len(cleaned) + 1):
        visible = _visible_text(cleaned)
        if visible == cleaned:
            break
        cleaned = visible
    return cleaned.strip()
