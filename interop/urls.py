from django.urls import path

from interop import views

app_name = "interop"

urlpatterns = [
    path("meetings.json", views.feed, name="feed"),
    path("programs/<slug:slug>/meetings.json", views.program_feed, name="program-feed"),
    path("regions/<slug:slug>/meetings.json", views.region_feed, name="region-feed"),
    path("meetings.schema.json", views.feed_schema, name="feed-schema"),
    path("client_interface/json/", views.bmlt_semantic, name="bmlt"),
]
