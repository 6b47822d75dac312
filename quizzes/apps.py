from django.apps import AppConfig


class QuizzesConfig(AppConfig):
    """Scenario quizzes, attempts and Moodle XML / GIFT exchange (to come)."""

    name = "quizzes"
    label = "quizzes"
