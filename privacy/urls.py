from django.urls import path

from privacy.views import notice, rights

app_name = "privacy"

urlpatterns = [
    path("my/data/", rights.my_data, name="my_data"),
    path("my/data.json", rights.my_data_json, name="my_data_json"),
    path("my/data/anonymise/", rights.anonymise_me, name="anonymise_me"),
    path("my/data/anonymised/", rights.anonymised, name="anonymised"),
    path("privacy/", notice.notice, name="notice"),
]
