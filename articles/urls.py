from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("articles/", views.ArticleListView.as_view(), name="list"),
    path("articles/<slug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("themes/", views.TopicIndexView.as_view(), name="topics"),
    path("themes/<slug:slug>/", views.TopicDetailView.as_view(), name="topic"),
]
