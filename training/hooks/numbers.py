"""Wagtail hooks for numbers (loaded by training.wagtail_hooks)."""
