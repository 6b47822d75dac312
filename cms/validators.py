"""Validators for the text people type into the site's own forms."""

from django.core.exceptions import ValidationError

# Unicode's explicit direction controls: embeddings and overrides (U+202A to U+202E),
# isolates (U+2066 to U+2069) and the invisible marks (U+200E, U+200F, U+061C). In a name
# or a note they reorder what staff lists show ("Ann\u202eevi" reads as another name), and
# no one needs them to write a name, a team or a job role.
DIRECTION_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def refuse_direction_controls(value):
    """Refuse text with hidden characters that change the direction of what follows."""
    if any(ch in DIRECTION_CONTROLS for ch in value or ""):
        raise ValidationError(
            "Remove the hidden characters that change the direction of the text "
            "(they can be pasted in by accident: type it again instead).",
            code="direction_controls",
        )
