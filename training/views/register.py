"""register pages."""

urlpatterns = []
