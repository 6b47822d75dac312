"""Wagtail hooks for notices (loaded by training.wagtail_hooks)."""
