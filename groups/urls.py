from django.urls import path

from groups import views

app_name = "groups"

urlpatterns = [
    path("programs/<slug:slug>/", views.program_detail, name="program"),
]
