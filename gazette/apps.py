from django.apps import AppConfig, apps


class GazetteConfig(AppConfig):
    """Site-wide wiring: the page cache's invalidation and the health check."""

    name = "gazette"
    verbose_name = "La Gazette"

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

        from . import checks, pagecache  # noqa: F401 (checks register themselves)

        # No sender: models of the content apps that other apps add later
        # (trade figures) are covered without being imported here.
        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(pagecache.content_changed, dispatch_uid=f"gazette-{signal}")
        # Every deploy migrates: what older code kept, in shapes it may have
        # changed since, is never read by the new code. (Sent for apps with
        # models only: the stories' app, once per migrate.)
        post_migrate.connect(
            pagecache.code_changed, sender=apps.get_app_config("articles")
        )
