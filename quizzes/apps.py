from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save, pre_delete, pre_save


class QuizzesConfig(AppConfig):
    """Scenario quizzes, attempts and responses, the traffic-light practice, and Moodle XML /
    GIFT exchange."""

    name = "quizzes"
    label = "quizzes"

    def ready(self):
        post_migrate.connect(grant_editor_permissions, sender=self, dispatch_uid="quizzes_editor_permissions")
        # The report tallies follow a learner's job role and forget deleted attempts (quizzes.summaries).
        from courses.models import LearnerProfile
        from quizzes import summaries
        from quizzes.models import Attempt

        pre_save.connect(summaries.remember_job_role, sender=LearnerProfile, dispatch_uid="quizzes_job_role")
        post_save.connect(summaries.profile_saved, sender=LearnerProfile, dispatch_uid="quizzes_job_role")
        pre_delete.connect(summaries.attempt_deleted, sender=Attempt, dispatch_uid="quizzes_attempt_deleted")
        # The knowledge figures' tallies (courses.pairs; its measure is in quizzes.reports).
        from courses import pairs
        from quizzes import reports  # noqa: F401

        post_delete.connect(pairs.record_deleted, sender=Attempt, dispatch_uid="pairs_attempt_deleted")


def grant_editor_permissions(sender, apps, **kwargs):
    """Content editors add, change and delete everything of this app that the admin edits:
    every quizzes model registered as a snippet (quizzes, vignettes, band sets, behaviours and
    each question type), never the attempts and responses learners make.

    After every `migrate` rather than in one data migration, which would know only the models
    of its day: a question type added later is granted the moment its own migration has run,
    with no list to keep. Nothing happens where there is no content editors group (cms makes
    it in a migration; a flushed test database has none)."""
    from wagtail.snippets.models import get_snippet_models

    from cms import roles

    if not apps.get_model("auth", "Group").objects.filter(name=roles.CONTENT_EDITORS).exists():
        return
    models = [model for model in get_snippet_models() if model._meta.app_label == sender.label]
    roles.make_permissions(apps, sender.label)
    roles.grant(
        apps,
        [
            (sender.label, f"{action}_{model._meta.model_name}")
            for model in models
            for action in ("add", "change", "delete")
        ],
    )
