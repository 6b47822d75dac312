"""A throwaway question kind, installed only by the test settings, that shows a new type of
question is one app (its model, kind module, migration and two templates) and no edit to
any other file: see tests/quizzes/test_kinds_registry.py."""
