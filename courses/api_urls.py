"""The reports API's URLs, included at the top level so that its namespace is "api"."""

from django.urls import path

from courses.api import api

urlpatterns = [path("api/v1/", api.urls)]
