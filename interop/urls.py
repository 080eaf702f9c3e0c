from django.urls import path, re_path

from interop import views

app_name = "interop"

urlpatterns = [
    path("meetings.json", views.feed, name="feed"),
    path("programs/<slug:slug>/meetings.json", views.program_feed, name="program-feed"),
    path("regions/<slug:slug>/meetings.json", views.region_feed, name="region-feed"),
    path("meetings.schema.json", views.feed_schema, name="feed-schema"),
    path("client_interface/json/", views.bmlt_semantic, name="bmlt"),
    path("client_interface/jsonp/", views.bmlt_semantic, {"data_format": "jsonp"}, name="bmlt-jsonp"),
    # Clients append /client_interface/... to the root URL they were given: one ending in / makes "//". (The
    # group keeps Django's check from taking the pattern for a route written with a needless leading slash.)
    re_path(r"^(?:/+)client_interface/(?P<data_format>jsonp?)/$", views.bmlt_semantic),
]
