from django.urls import path  # noqa: F401 (the pages are added as they are built)

app_name = "privacy"

urlpatterns = []
