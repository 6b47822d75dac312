"""The site's own identity pages (allauth's are in identity.allauth_urls)."""

from django.urls import path

from identity import views

app_name = "identity"

urlpatterns = [
    path("accounts/two-step-sign-in/", views.two_step_required, name="two_step_required"),
    path("accounts/confirm-your-email/", views.confirm_email_first, name="confirm_email_first"),
]
