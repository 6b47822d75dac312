"""Wagtail hooks for returns (loaded by training.wagtail_hooks)."""
