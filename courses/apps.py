from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save, pre_save


class CoursesConfig(AppConfig):
    """Learner profiles, courses, enrolment, progress, completion and confidence surveys."""

    name = "courses"
    label = "courses"
    verbose_name = "Courses and learning records"

    def ready(self):
        # The confidence figures' measure registers itself with the tallies (courses.pairs),
        # which follow deleted completions and a learner's job role.
        from courses import pairs, reports  # noqa: F401
        from courses.models import Completion, LearnerProfile

        post_delete.connect(pairs.record_deleted, sender=Completion, dispatch_uid="pairs_completion_deleted")
        pre_save.connect(pairs.remember_job_role, sender=LearnerProfile, dispatch_uid="pairs_job_role")
        post_save.connect(pairs.profile_saved, sender=LearnerProfile, dispatch_uid="pairs_job_role")
