from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms import views

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("search/", views.search, name="search"),
    path("local-contacts/", views.local_contacts, name="local_contacts"),
    # The learning app's pages (named by string: cms imports none of the apps built on it).
    path("", include("courses.urls")),
    path("", include("courses.api_urls")),
    path("", include("quizzes.urls")),
    path("", include("certificates.urls")),
    path("", include("workforce.urls")),
    path("", include("privacy.urls")),
    path("", include("identity.urls")),
    path("", include("training.urls")),
    path("accounts/", include("identity.allauth_urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
