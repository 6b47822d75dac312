from django.apps import AppConfig


class QuizzesConfig(AppConfig):
    """Scenario quizzes, attempts and responses, the traffic-light practice, and Moodle XML /
    GIFT exchange."""

    name = "quizzes"
    label = "quizzes"
