from django.urls import path

from courses.views import accounts, agency_changes, downloads, learning, reports

app_name = "courses"

urlpatterns = [
    path("accounts/register/", accounts.register, name="register"),
    path("accounts/register/confirm/<str:token>/", accounts.register_confirm, name="register_confirm"),
    path("accounts/sign-in/", accounts.SignInView.as_view(), name="login"),
    path("accounts/sign-out/", accounts.sign_out, name="logout"),
    path("accounts/profile/", accounts.profile, name="profile"),
    path("accounts/api-tokens/", accounts.api_tokens, name="api_tokens"),
    path("accounts/password-reset/", accounts.password_reset, name="password_reset"),
    path("accounts/password-reset/sent/", accounts.password_reset_done, name="password_reset_done"),
    path(
        "accounts/password-reset/<uidb64>/<token>/",
        accounts.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("accounts/password-reset/done/", accounts.password_reset_complete, name="password_reset_complete"),
    path("my/", learning.my_learning, name="my_learning"),
    path("leads/reports/", reports.training, name="report_training"),
    path("leads/reports/confidence/", reports.confidence, name="report_confidence"),
    path("leads/reports/staff/<id:user_id>/", reports.staff_member, name="report_staff_member"),
    path("leads/downloads/", downloads.downloads, name="downloads"),
    path("leads/downloads/<id:pk>/", downloads.download_file, name="download_file"),
    path("leads/agency-changes/", agency_changes.agency_changes, name="agency_changes"),
    path("my/courses/<id:course_id>/start/", learning.start_course, name="start"),
    path("my/learning/<id:enrolment_id>/continue/", learning.continue_course, name="continue"),
    path("my/learning/<id:enrolment_id>/survey/<slug:phase>/", learning.survey, name="survey"),
    path(
        "my/learning/<id:enrolment_id>/lessons/<id:lesson_id>/done/",
        learning.finish_lesson,
        name="finish_lesson",
    ),
]
