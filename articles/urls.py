from django.urls import path

from . import feeds, views
from .feeds import ATOM, RSS

app_name = "articles"


def feed_paths(route, feed_class, name):
    """The RSS and Atom addresses of one feed: ``<route>rss/`` and ``<route>atom/``."""
    return [
        path(f"{route}rss/", feed_class(RSS), name=f"{name}_rss"),
        path(f"{route}atom/", feed_class(ATOM), name=f"{name}_atom"),
    ]


urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("articles/", views.ArticleListView.as_view(), name="list"),
    path("articles/<slug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("apercu/<str:token>/", views.ArticlePreviewView.as_view(), name="preview"),
    path("themes/", views.TopicIndexView.as_view(), name="topics"),
    path("themes/<slug:slug>/", views.TopicDetailView.as_view(), name="topic"),
    *feed_paths("flux/", feeds.LatestStoriesFeed, "feed"),
    *feed_paths("flux/articles/", feeds.LatestArticlesFeed, "articles_feed"),
    *feed_paths("flux/breves/", feeds.LatestBriefsFeed, "briefs_feed"),
    *feed_paths("themes/<slug:slug>/", feeds.TopicFeed, "topic_feed"),
    *feed_paths("articles/flux/", feeds.ListingFeed, "list_feed"),
]
