from django.urls import path

from meetings import views

app_name = "meetings"

urlpatterns = [
    path("meetings/<slug:slug>/", views.meeting_detail, name="detail"),
    path("meetings/<slug:slug>/calendar.ics", views.meeting_calendar, name="calendar"),
]
