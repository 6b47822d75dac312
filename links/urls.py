"""Admin URLs of the link checker, mounted under /admin/links/ by wagtail_hooks."""

from django.urls import path

from . import views

app_name = "links"

urlpatterns = [
    path("broken/", views.BrokenLinksView.as_view(), name="broken_links"),
    path("broken/results/", views.BrokenLinksView.as_view(results_only=True), name="broken_links_results"),
    path("<int:pk>/check/", views.check_again, name="check_again"),
    path("<int:pk>/update/", views.update_to_final, name="update_to_final"),
]
