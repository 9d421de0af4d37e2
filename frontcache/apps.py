from django.apps import AppConfig


class FrontcacheConfig(AppConfig):
    """Purges of the HTTP cache in front when content changes."""

    name = "frontcache"
    verbose_name = "Cache HTTP frontal"

    def ready(self):
        from . import signals

        signals.connect()
