"""allauth's pages under /accounts/ (two-step sign-in, work accounts, confirming an email),
except those that must not be used here: its own sign-up, sign-in, password reset and email
management would bypass the site's rules (agency, job role, one address per account), so
their paths lead to the site's own pages instead; and work-account sign-ins go through
identity.oidc, which checks every ID token."""

from django.urls import include, path
from django.views.generic import RedirectView

from identity import oidc

urlpatterns = [
    path("login/", RedirectView.as_view(pattern_name="courses:login", query_string=True)),
    path("signup/", RedirectView.as_view(pattern_name="courses:register")),
    path("password/reset/", RedirectView.as_view(pattern_name="courses:password_reset")),
    path("email/", RedirectView.as_view(pattern_name="courses:profile")),
    # Work accounts: allauth's own views, with every ID token's signature checked (identity.oidc).
    path("oidc/<str:provider_id>/login/", oidc.login, name="openid_connect_login"),
    path("oidc/<str:provider_id>/login/callback/", oidc.callback, name="openid_connect_callback"),
    path("", include("allauth.urls")),
]
