"""follow_up pages."""

urlpatterns = []
