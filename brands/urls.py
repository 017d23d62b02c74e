from django.urls import path

from . import views

app_name = "brands"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("catalogue.xlsx", views.catalogue_xlsx, name="catalogue_xlsx"),
]
