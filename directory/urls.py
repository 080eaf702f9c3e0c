from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from directory import views
from directory.pagecache import public_page_cache
from search import views as search_views

# Machine-facing URLs stay in one language: health check, feeds and APIs, and the admin.
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("", include("interop.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
]

# Public pages: English at /..., Spanish at /es/... (the language comes from the URL, never a cookie).
# search.urls also holds /api/meetings, which therefore answers at /es/api/meetings too (harmless).
urlpatterns += i18n_patterns(
    # The search is the front door: a visitor sees meetings on the first screen.
    path("", public_page_cache(search_views.search), name="home"),
    path("about/", views.about, name="about"),
    path("privacy/", views.privacy, name="privacy"),
    # Before meetings.urls: its "meetings/<slug>/" would otherwise take "meetings/suggest/".
    path("", include("volunteers.urls")),
    path("", include("groups.urls")),
    path("", include("search.urls")),
    path("", include("meetings.urls")),
    path("", include("referrals.urls")),
    prefix_default_language=False,
)

# Static pages for a failure: no database needed (see directory.views.server_error).
handler500 = "directory.views.server_error"
handler404 = "directory.views.page_not_found"
handler400 = "directory.views.bad_request"
