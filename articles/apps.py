from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Rédaction"

    def ready(self):
        from django.db.models.signals import m2m_changed

        from django.conf import settings

        from . import context_processors, facets, revisions, views
        from .models import Article
        from .panels import story_panels

        facets.connect()
        # Pages read the kept values that other apps show on them with their
        # own, in one round trip.
        context_processors.SITE_VALUES.extend(settings.GAZETTE_SITE_VALUES)
        views.STORY_VALUES.extend(
            panel.kept_value for panel in story_panels() if panel.kept_value
        )
        m2m_changed.connect(
            revisions.topic_side_changing,
            sender=Article.topics.through,
            dispatch_uid="revisions-topic-side",
        )
