"""Wagtail hooks for numbers (loaded by training.wagtail_hooks): the numbers trained by
delivery mode join the training numbers page, its downloads, the API and the board pack."""

from wagtail import hooks

from courses.reports import ADDED_TRAINING_TABLE_HOOK, AddedTable
from training.numbers import BY_MODE, by_mode_table


@hooks.register(ADDED_TRAINING_TABLE_HOOK)
def by_delivery_mode():
    return AddedTable(BY_MODE, by_mode_table)
