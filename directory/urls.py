from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from directory import views
from meetings import views as meeting_views

urlpatterns = [
    # The search is the front door: a visitor sees meetings on the first screen.
    path("", meeting_views.search, name="home"),
    path("programs/", views.program_list, name="programs"),
    path("about/", views.about, name="about"),
    path("privacy/", views.privacy, name="privacy"),
    path("healthz", views.healthz, name="healthz"),
    # Before meetings.urls: its "meetings/<slug>/" would otherwise take "meetings/suggest/".
    path("", include("volunteers.urls")),
    path("", include("groups.urls")),
    path("", include("meetings.urls")),
    path("", include("meetings.referral_urls")),
    path("", include("meetings.interop.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
]
