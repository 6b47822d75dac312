from django.urls import path

from workforce.views import board, chase, coverage, staff_lists, targets, trends

app_name = "workforce"

urlpatterns = [
    # A lead's workforce: her staff list or headcount.
    path("leads/workforce/", staff_lists.index, name="index"),
    path("leads/workforce/template.<slug:kind>", staff_lists.template, name="template"),
    path("leads/workforce/<slug:agency>/upload/", staff_lists.upload, name="upload"),
    path("leads/workforce/<slug:agency>/upload/<id:upload_id>/", staff_lists.preview, name="preview"),
    path("leads/workforce/<slug:agency>/headcount/", staff_lists.headcount, name="headcount"),
    # Coverage against the workforce, with the previous period and the trend.
    path("leads/reports/coverage/", coverage.coverage_report, name="report_coverage"),
    # Each member of staff's state, and reminders.
    path("leads/reports/staff-progress/", chase.staff_progress, name="report_staff_progress"),
    # The last 8 quarters.
    path("leads/reports/trends/", trends.trends_report, name="report_trends"),
    # The partnership manager's targets and board pack.
    path("leads/targets/", targets.targets, name="targets"),
    path("leads/reports/board-pack.<slug:kind>", board.board_pack, name="board_pack"),
]
