from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Rédaction"

    def ready(self):
        from django.db.models.signals import m2m_changed

        from . import facets, revisions
        from .models import Article

        facets.connect()
        m2m_changed.connect(
            revisions.topic_side_changing,
            sender=Article.topics.through,
            dispatch_uid="revisions-topic-side",
        )
