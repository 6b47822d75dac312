"""Wagtail hooks for follow_up (loaded by training.wagtail_hooks)."""
