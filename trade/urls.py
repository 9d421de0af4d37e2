from django.urls import path

from articles.urls import feed_paths

from . import feeds, views

app_name = "trade"

urlpatterns = [
    path("pays/<slug:slug>/", views.CountryDetailView.as_view(), name="country"),
    *feed_paths("pays/<slug:slug>/", feeds.CountryFeed, "country_feed"),
    path("chiffres/", views.index, name="index"),
    path("chiffres/donnees.csv", views.download, {"fmt": "csv"}, name="download-csv"),
    path("chiffres/donnees.json", views.download, {"fmt": "json"}, name="download-json"),
    path("chiffres/<slug:slug>/", views.pair_detail, name="pair"),
    path(
        "chiffres/<slug:slug>/donnees.csv",
        views.download,
        {"fmt": "csv"},
        name="pair-download-csv",
    ),
    path(
        "chiffres/<slug:slug>/donnees.json",
        views.download,
        {"fmt": "json"},
        name="pair-download-json",
    ),
]
