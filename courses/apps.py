from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save, pre_save


class CoursesConfig(AppConfig):
    """Learner profiles, courses, enrolment, progress, completion and confidence surveys."""

    name = "courses"
    label = "courses"
    verbose_name = "Courses and learning records"

    def ready(self):
        # The confidence figures' and the training numbers' measures register themselves with
        # the tallies (courses.pairs), which follow deleted completions and a learner's job role;
        # the training numbers also follow enrolments and a profile's agency.
        from django.contrib.auth import get_user_model

        from courses import pairs, reports, training_tallies  # noqa: F401
        from courses.models import Completion, Enrolment, LearnerProfile
        from courses.models.profiles import account_names_changed

        post_save.connect(account_names_changed, sender=get_user_model(), dispatch_uid="profile_names")
        post_delete.connect(pairs.record_deleted, sender=Completion, dispatch_uid="pairs_completion_deleted")
        pre_save.connect(pairs.remember_job_role, sender=LearnerProfile, dispatch_uid="pairs_job_role")
        post_save.connect(pairs.profile_saved, sender=LearnerProfile, dispatch_uid="pairs_job_role")
        post_save.connect(
            training_tallies.enrolment_made, sender=Enrolment, dispatch_uid="pairs_enrolment_made"
        )
        post_delete.connect(pairs.record_deleted, sender=Enrolment, dispatch_uid="pairs_enrolment_deleted")
        pre_save.connect(training_tallies.remember_agency, sender=LearnerProfile, dispatch_uid="pairs_agency")
        post_save.connect(training_tallies.profile_saved, sender=LearnerProfile, dispatch_uid="pairs_agency")
        post_delete.connect(
            training_tallies.profile_deleted, sender=LearnerProfile, dispatch_uid="pairs_profile_deleted"
        )
