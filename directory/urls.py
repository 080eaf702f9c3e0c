from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from directory import views

urlpatterns = [
    path("", views.home, name="home"),
    path("about/", views.about, name="about"),
    path("privacy/", views.privacy, name="privacy"),
    path("healthz", views.healthz, name="healthz"),
    path("", include("groups.urls")),
    path("", include("meetings.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
]
