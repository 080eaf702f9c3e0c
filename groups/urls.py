from django.urls import path

from groups import views

app_name = "groups"

urlpatterns = [
    path("programs/", views.program_list, name="list"),
    # Before "program", so that "compare" and "finder" are not taken for program slugs.
    path("programs/compare/", views.program_compare, name="compare"),
    path("programs/finder/", views.program_finder, name="finder"),
    path("programs/<slug:slug>/", views.program_detail, name="program"),
]
