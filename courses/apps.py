from django.apps import AppConfig


class CoursesConfig(AppConfig):
    """Learner profiles, courses, enrolment, progress, completion and confidence surveys."""

    name = "courses"
    label = "courses"
    verbose_name = "Courses and learning records"
