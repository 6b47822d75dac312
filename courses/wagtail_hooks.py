from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.utils import get_user_display_name, get_valid_next_url_from_request
from wagtail.snippets.models import register_snippet
from wagtail.users.views.bulk_actions.delete import DeleteBulkAction

from cms.templatetags.site_menu_tags import HOOK as SITE_MENU_HOOK
from courses import activities, downloads, progress, reports, services
from courses.models import Completion, Enrolment, LessonPage
from courses.models.pages import PAGE_CONTEXT_HOOK
from courses.reporting.tabs import ReportTab
from courses.views import reports as report_views
from courses.viewsets import LearningViewSetGroup

register_snippet(LearningViewSetGroup)


@hooks.register(SITE_MENU_HOOK)
def learning_menu_items(request):
    """Courses, then sign-in and registration, or Reports (for leads), My learning, the profile
    and sign-out."""
    return render_to_string("courses/includes_site_menu.html", request=request)


# -- what a course can require (other apps register theirs the same way) ------------------


@hooks.register(activities.HOOK)
def before_survey_activity():
    return services.BEFORE_SURVEY


@hooks.register(activities.HOOK)
def lessons_activity():
    return services.LESSONS


@hooks.register(activities.HOOK)
def after_survey_activity():
    return services.AFTER_SURVEY


class AgencyChangesMenuItem(MenuItem):
    """Administrators decide changes of agency on the same scoped page as the leads."""

    def is_shown(self, request):
        return request.user.is_superuser


@hooks.register("register_admin_menu_item")
def agency_changes_menu_item():
    return AgencyChangesMenuItem(
        "Changes of agency", reverse("courses:agency_changes"), icon_name="user", order=910
    )


def holding_training_records(users):
    """Those of `users` with an enrolment or a completion. Their records carry the
    partnership's figures and certificates, so deleting the account (which would take the
    records with it, or fail on them) is refused; anonymising keeps the records."""
    return users.filter(
        Exists(Enrolment.objects.filter(learner=OuterRef("pk")))
        | Exists(Completion.objects.filter(learner=OuterRef("pk")))
    )


def refuse_deletion(request, users):
    """Names the way that works instead, with its button (privacy's anonymise page)."""
    for user in users:
        messages.error(
            request,
            f"{get_user_display_name(user)} holds training records and cannot be deleted. "
            "Anonymise the account instead: that removes their personal details and keeps "
            "the training records the partnership reports on.",
            buttons=[messages.button(reverse("privacy_admin:anonymise", args=[user.pk]), "Anonymise")],
        )


@hooks.register("before_delete_user")
def keep_users_with_training_records(request, user):
    refused = holding_training_records(get_user_model().objects.filter(pk=user.pk))
    if refused:
        refuse_deletion(request, refused)
        return redirect("wagtailusers_users:edit", user.pk)


class DeleteUsersBulkAction(DeleteBulkAction):
    """Wagtail's bulk delete of users, refused before its confirmation page when any
    selected user holds training records."""

    def get(self, request, *args, **kwargs):
        return self.refusal() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self.refusal() or super().post(request, *args, **kwargs)

    def refusal(self):
        users, _ = self.get_actionable_objects()
        refused = holding_training_records(get_user_model().objects.filter(pk__in=[u.pk for u in users]))
        if refused:
            refuse_deletion(self.request, refused)
            return redirect(
                get_valid_next_url_from_request(self.request) or reverse("wagtailusers_users:index")
            )


# Registered after Wagtail's own delete action, which it replaces.
hooks.register("register_bulk_action", DeleteUsersBulkAction, order=1)


@hooks.register("register_report_tab")
def training_report_tab():
    return ReportTab(
        "training",
        "Training numbers",
        "courses:report_training",
        order=10,
        tables=reports.training_tables,
        declared=reports.training_declared(),
    )


@hooks.register("register_report_tab")
def confidence_report_tab():
    return ReportTab(
        "confidence",
        "Confidence before and after",
        "courses:report_confidence",
        order=20,
        tables=reports.confidence_figures,
        declared=reports.CONFIDENCE_TABLES,
        whole_months=True,
        people=reports.surveyed_people,
    )


@hooks.register("register_report_tab")
def agency_changes_report_tab():
    return ReportTab(
        "agency_changes", "Changes of agency", "courses:agency_changes", order=50, keep_filters=False
    )


@hooks.register("register_report_tab")
def downloads_report_tab():
    """Where the large downloads made in the background wait (`courses.downloads`)."""
    return ReportTab("downloads", "Your downloads", "courses:downloads", order=95, keep_filters=False)


@hooks.register(PAGE_CONTEXT_HOOK)
def learner_progress_on_course_pages(page, request):
    """A course page shows the learner's status, a lesson page where she is in its course.

    The learner's own GET of a live lesson, in her open enrolment, records that she opened
    it: only then can she mark it as finished. A preview or anyone else's visit records nothing."""
    if isinstance(page, LessonPage):
        context = progress.lesson_status(request.user, page.course, page)
        journey = context["journey"]
        preview = getattr(request, "is_preview", False)
        if journey.is_open and request.method == "GET" and page.live and not preview:
            services.open_lesson(journey.enrolment, page)
        return context
    return {"status": progress.course_status(request.user, page, page.lessons)}


# -- downloads made in the background when large (courses.downloads) ------------------------


@hooks.register(downloads.HOOK)
def staff_download():
    return report_views.STAFF_DOWNLOAD


@hooks.register(downloads.HOOK)
def refreshers_download():
    return report_views.REFRESHERS_DOWNLOAD
