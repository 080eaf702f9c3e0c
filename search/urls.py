from django.urls import path

from directory.pagecache import public_page_cache
from search import views

app_name = "search"

urlpatterns = [
    path("meetings/", public_page_cache(views.search), name="page"),
    path("api/meetings", public_page_cache(views.search_api), name="api"),
    path("api/meetings.geojson", public_page_cache(views.search_geojson), name="geojson"),
    path("meetings/map/", public_page_cache(views.search_map), name="map"),
    # Not under meetings/, where the name would hide a meeting whose slug is "filters".
    path("filters/", public_page_cache(views.all_filters), name="filters"),
    path("meetings/map/filters/", public_page_cache(views.all_filters), {"results": "search:map"}, name="map-filters"),
]
