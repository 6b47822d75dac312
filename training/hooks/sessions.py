"""Wagtail hooks for sessions (loaded by training.wagtail_hooks): the "Training sessions"
admin screen."""

from wagtail.snippets.models import register_snippet

from training.viewsets import TrainingSessionViewSet

register_snippet(TrainingSessionViewSet)
