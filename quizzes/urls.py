from django.urls import path

from quizzes import report_views, views

app_name = "quizzes"

urlpatterns = [
    path("quizzes/<slug:slug>/", views.quiz, name="quiz"),
    path("quizzes/<slug:slug>/start/", views.start, name="start"),
    path("quizzes/<slug:slug>/knowledge-check/", views.check, name="check"),
    path("quizzes/attempts/<id:attempt_id>/", views.attempt, name="attempt"),
    path("quizzes/attempts/<id:attempt_id>/page/<int:page>/", views.attempt, name="page"),
    path("quizzes/attempts/<id:attempt_id>/summary/", views.summary, name="summary"),
    path("quizzes/attempts/<id:attempt_id>/result/", views.result, name="result"),
    path("leads/reports/quiz/", report_views.quiz_insight, name="report_insight"),
    path("leads/reports/knowledge/", report_views.knowledge, name="report_knowledge"),
    path("practice/traffic-light/", views.practice_index, name="practice_index"),
    path("practice/traffic-light/<str:band_code>/", views.practice, name="practice"),
]
