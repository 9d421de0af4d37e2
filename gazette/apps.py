from django.apps import AppConfig


class GazetteConfig(AppConfig):
    """Site-wide wiring: the deploy checks and the health check."""

    name = "gazette"
    verbose_name = "La Gazette"

    def ready(self):
        from . import checks  # noqa: F401 (checks register themselves)
