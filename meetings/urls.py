from django.urls import path

from directory.pagecache import public_page_cache
from meetings import views

app_name = "meetings"

urlpatterns = [
    path("meetings/", public_page_cache(views.search), name="search"),
    path("api/meetings", public_page_cache(views.search_api), name="api"),
    path("meetings/<slug:slug>/", views.meeting_detail, name="detail"),
    path("meetings/<slug:slug>/calendar.ics", views.meeting_calendar, name="calendar"),
]
