"""Verification codes: 12 characters from an alphabet without look-alikes (no 0/O, 1/I/L),
shown in groups of four (K7QM-3XPD-9TRH). 31^12 codes, drawn with `secrets`: unguessable."""

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 12


def new_code():
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def display(code):
    return "-".join(code[i : i + 4] for i in range(0, LENGTH, 4))


def normalise(text):
    """The stored form of what someone typed or scanned, or None if it cannot be a code."""
    cleaned = re.sub(r"[\s-]", "", (text or "").upper())[: LENGTH + 1]
    if len(cleaned) != LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return None
    return cleaned
