from django.urls import path

from volunteers import views

app_name = "volunteers"

# Included before meetings.urls, whose "meetings/<slug>/" would otherwise take "meetings/suggest/".
urlpatterns = [
    path("meetings/suggest/", views.suggest_new, name="suggest_new"),
    path("meetings/suggest/thanks/", views.thanks, name="thanks"),
    path("meetings/<slug:slug>/suggest/", views.suggest_update, name="suggest_update"),
    path("programs/<slug:slug>/suggest/", views.suggest_program, name="suggest_program"),
]
