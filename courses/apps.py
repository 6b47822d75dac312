from django.apps import AppConfig


class CoursesConfig(AppConfig):
    """Learner profiles, courses, enrolment, progress, completion and confidence surveys."""

    name = "courses"
    label = "courses"
    verbose_name = "Courses and learning records"

    def ready(self):
        from courses import services  # noqa: F401  (registers the built-in activities)
