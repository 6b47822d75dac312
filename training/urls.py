"""The training app's pages: each module of `training.views` lists its own."""

from training.views import booking, calendar, follow_up, register, returns

app_name = "training"

urlpatterns = [
    *booking.urlpatterns,
    *calendar.urlpatterns,
    *register.urlpatterns,
    *returns.urlpatterns,
    *follow_up.urlpatterns,
]
