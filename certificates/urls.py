from django.urls import path

from certificates import views

app_name = "certificates"

urlpatterns = [
    path("my/certificates/<id:pk>/pdf/", views.download, name="download"),
    path("certificates/verify/", views.verify, name="verify"),
    path("certificates/verify/<str:code>/", views.verify_code, name="verify_code"),
    path("leads/certificates/", views.lead_list, name="lead_list"),
    path("leads/certificates/download.zip", views.lead_zip, name="lead_zip"),
    path("leads/certificates/<id:pk>/pdf/", views.lead_download, name="lead_download"),
]
