from django.urls import path

from privacy.views import notice

app_name = "privacy"

urlpatterns = [
    path("privacy/", notice.notice, name="notice"),
]
