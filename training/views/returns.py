"""returns pages."""

urlpatterns = []
