"""The registry of question kinds: every type of question the hub knows, each declared whole
in one module (see `quizzes.kinds.base.Kind`).

The kinds are found, not listed: every module of this package but `base`, then a
`quiz_kinds` module in any installed app (so an app adds a question type by being
installed, as apps add admin hooks through `wagtail_hooks`). They load on first use, once
the app registry is ready, because a kind names its model.

Generic code (snapshots, answers, scoring, interchange, admin) asks the registry for the
kind of a question and never names a type itself.

Adding a question type: its model (a `Question` subclass with `type_code` and `type_label`,
in `quizzes/models/questions.py` where Django finds models, or in the models of the app
that brings it), its migration, a kind module here (or the app's `quiz_kinds.py`) and its
question and feedback templates. tests/quizzes/fake_kind is a worked example."""

from __future__ import annotations

import importlib
import pkgutil

from django.utils.module_loading import autodiscover_modules

from quizzes.kinds.base import Kind

_kinds: dict[str, Kind] = {}
_loaded = False


class UnknownKind(KeyError):
    """No kind of question has this type code."""


def register(kind: type[Kind]) -> type[Kind]:
    """Add a kind to the registry (a class decorator); the registry keeps one instance."""
    code = kind.model.type_code
    if code in _kinds and type(_kinds[code]) is not kind:
        raise ValueError(f"two question kinds claim the type {code!r}")
    _kinds[code] = kind()
    return kind


def _load() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for module in pkgutil.iter_modules(__path__):
        if module.name != "base":
            importlib.import_module(f"{__name__}.{module.name}")
    autodiscover_modules("quiz_kinds")


def all_kinds() -> list[Kind]:
    """Every kind, in the order editors see them in the admin menu."""
    _load()
    return sorted(_kinds.values(), key=lambda kind: (kind.menu_order, kind.model.type_code))


def codes() -> list[str]:
    return [kind.model.type_code for kind in all_kinds()]


def choices() -> list[tuple[str, str]]:
    """(type code, label) of every kind, for a field that names a question type."""
    return [(kind.code, kind.label) for kind in all_kinds()]


def get(code: str | None) -> Kind:
    """The kind with this type code; `UnknownKind` if there is none."""
    _load()
    try:
        return _kinds[code]
    except KeyError:
        raise UnknownKind(code) from None


def of(question) -> Kind:
    """The kind of a saved question (its own subclass, as polymorphic queries return it)."""
    return get(question.type_code)
