"""allauth's pages under /accounts/ (two-step sign-in, work accounts, confirming an email),
except those that must not be used here: its own sign-up, sign-in, password reset and email
management would bypass the site's rules (agency, job role, one address per account), so
their paths lead to the site's own pages instead."""

from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("login/", RedirectView.as_view(pattern_name="courses:login", query_string=True)),
    path("signup/", RedirectView.as_view(pattern_name="courses:register")),
    path("password/reset/", RedirectView.as_view(pattern_name="courses:password_reset")),
    path("email/", RedirectView.as_view(pattern_name="courses:profile")),
    path("", include("allauth.urls")),
]
