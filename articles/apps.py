from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Rédaction"

    def ready(self):
        from . import facets

        facets.connect()
