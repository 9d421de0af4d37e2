from django.urls import path

from . import views

app_name = "trade"

urlpatterns = [
    path("", views.index, name="index"),
    path("donnees.csv", views.download, {"fmt": "csv"}, name="download-csv"),
    path("donnees.json", views.download, {"fmt": "json"}, name="download-json"),
    path("<slug:slug>/", views.pair_detail, name="pair"),
    path(
        "<slug:slug>/donnees.csv",
        views.download,
        {"fmt": "csv"},
        name="pair-download-csv",
    ),
    path(
        "<slug:slug>/donnees.json",
        views.download,
        {"fmt": "json"},
        name="pair-download-json",
    ),
]
