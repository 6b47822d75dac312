from django.apps import AppConfig


class CoursesConfig(AppConfig):
    """Learner profiles, courses, enrolment, completion and confidence surveys (to come)."""

    name = "courses"
    label = "courses"
