"""The administrators' rights pages, mounted inside Wagtail's admin by privacy.wagtail_hooks."""

from django.urls import path

from privacy.views import rights

app_name = "privacy_admin"

urlpatterns = [
    path("users/<int:pk>/data/", rights.AdminExportView.as_view(), name="export"),
    path("users/<int:pk>/anonymise/", rights.AdminAnonymiseView.as_view(), name="anonymise"),
]
