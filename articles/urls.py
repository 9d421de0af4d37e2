from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("articles/<slug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("apercu/<str:token>/", views.ArticlePreviewView.as_view(), name="preview"),
    path("themes/<slug:slug>/", views.TopicDetailView.as_view(), name="topic"),
]
