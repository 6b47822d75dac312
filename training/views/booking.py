"""booking pages."""

urlpatterns = []
