from django.urls import path, re_path

from referrals import views as referral_views

app_name = "referrals"

urlpatterns = [
    path("list/", referral_views.referral_list, name="list"),
    # Any text is accepted here so a malformed list gets a clear 400 page rather than a bare 404.
    re_path(r"^list/(?P<ids>[^/]+)/$", referral_views.referral_list, name="list"),
    re_path(r"^list/(?P<ids>[^/]+)/meetings\.ics$", referral_views.referral_calendar, name="calendar"),
]
