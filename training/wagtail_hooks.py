"""Wagtail loads this module; each part of the app registers its hooks in its own module."""

from training.hooks import follow_up, notices, numbers, register, returns, sessions  # noqa: F401
