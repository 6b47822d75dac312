from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save, pre_save


class WorkforceConfig(AppConfig):
    """Each agency's workforce (a staff list or a headcount per job role), how much of it is
    covered by current training, targets with their RAG status, chasing staff, and the board pack."""

    name = "workforce"
    label = "workforce"
    verbose_name = "Workforce coverage"

    def ready(self):
        # Coverage's tallies follow completions, profiles, staff lists, returns, accounts made,
        # renamed, given a new email or deleted, new agencies and courses published, withdrawn
        # or deleted.
        from django.contrib.auth import get_user_model
        from wagtail.signals import page_published, page_unpublished

        from cms.models import Agency
        from courses.models import (
            Completion,
            CoursePage,
            Enrolment,
            LearnerProfile,
            LessonOpened,
            LessonProgress,
            SurveySubmission,
        )
        from courses.services import lesson_opened
        from training.models import ReturnAttendee, SingleAgencyReturn
        from workforce import tallies
        from workforce.models import StaffListEntry

        for model in (Completion, LearnerProfile):
            post_save.connect(tallies.person_changed, sender=model, dispatch_uid="coverage_account")
            post_delete.connect(tallies.person_changed, sender=model, dispatch_uid="coverage_account")
        User = get_user_model()
        pre_save.connect(tallies.remember_email, sender=User, dispatch_uid="coverage_email")
        post_save.connect(tallies.account_saved, sender=User, dispatch_uid="coverage_email")
        post_delete.connect(tallies.account_deleted, sender=User, dispatch_uid="coverage_email")
        # Staff progress's states follow the learning too (`workforce.standing`).
        for model in (Enrolment, LessonOpened, LessonProgress, SurveySubmission):
            post_save.connect(tallies.learning_changed, sender=model, dispatch_uid="states_learning")
        post_delete.connect(tallies.learning_changed, sender=Enrolment, dispatch_uid="states_learning")
        lesson_opened.connect(tallies.lesson_opened, dispatch_uid="states_lesson_opened")
        post_save.connect(tallies.agency_made, sender=Agency, dispatch_uid="coverage_agency")
        for model in (StaffListEntry, ReturnAttendee):
            post_save.connect(tallies.entry_changed, sender=model, dispatch_uid="coverage_person")
            post_delete.connect(tallies.entry_changed, sender=model, dispatch_uid="coverage_person")
        post_save.connect(tallies.return_saved, sender=SingleAgencyReturn, dispatch_uid="coverage_return")
        page_published.connect(tallies.course_changed, sender=CoursePage, dispatch_uid="coverage_course")
        page_unpublished.connect(tallies.course_changed, sender=CoursePage, dispatch_uid="coverage_course")
        post_delete.connect(tallies.course_changed, sender=CoursePage, dispatch_uid="coverage_course")
