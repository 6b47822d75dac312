from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.widgets import ListingButton
from wagtail.snippets.models import register_snippet

from courses import activities
from courses.reporting.tabs import ReportTab
from quizzes import admin_views, services
from quizzes import reports as quiz_reports
from quizzes.models import Quiz
from quizzes.viewsets import QuizzesViewSetGroup

register_snippet(QuizzesViewSetGroup)


@hooks.register(activities.HOOK)
def quiz_activity():
    """Passing the quiz is an activity a course can require."""
    return services.QUIZ_ACTIVITY


@hooks.register(activities.HOOK)
def knowledge_check_activity():
    """The knowledge check at the start is an activity a course can require."""
    return services.KNOWLEDGE_CHECK_ACTIVITY


@hooks.register("register_admin_urls")
def quiz_admin_urls():
    return [
        path("quizzes/<id:quiz_id>/reorder/", admin_views.reorder, name="quizzes_reorder"),
        path("quizzes/<id:quiz_id>/import/", admin_views.import_questions, name="quizzes_import"),
        path("quizzes/<id:quiz_id>/export/", admin_views.export_moodle, name="quizzes_export"),
    ]


@hooks.register("register_snippet_listing_buttons")
def quiz_listing_buttons(snippet, user, next_url=None):
    if isinstance(snippet, Quiz) and user.has_perm("quizzes.change_quiz"):
        yield ListingButton("Reorder questions", reverse("quizzes_reorder", args=[snippet.pk]), priority=20)
        yield ListingButton("Import questions", reverse("quizzes_import", args=[snippet.pk]), priority=30)
        yield ListingButton("Export to Moodle XML", reverse("quizzes_export", args=[snippet.pk]), priority=40)


@hooks.register("register_report_tab")
def what_staff_miss_tab():
    """The quiz figures join the leads' Reports (and the API) as a tab of their own."""
    return ReportTab(
        "what-staff-miss",
        "What staff miss",
        "quizzes:report_insight",
        order=30,
        tables=quiz_reports.figures,
        declared=quiz_reports.TABLES,
        whole_months=True,
        people=quiz_reports.people,
    )


@hooks.register("register_report_tab")
def knowledge_tab():
    """Knowledge before and after sits beside confidence before and after."""
    return ReportTab(
        "knowledge",
        "Knowledge before and after",
        "quizzes:report_knowledge",
        order=25,
        tables=quiz_reports.knowledge_figures,
        declared=quiz_reports.KNOWLEDGE_TABLES,
        whole_months=True,
        people=quiz_reports.knowledge_people,
    )
