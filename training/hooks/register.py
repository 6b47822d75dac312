"""Wagtail hooks for register (loaded by training.wagtail_hooks)."""
