"""Wagtail hooks for sessions (loaded by training.wagtail_hooks)."""
