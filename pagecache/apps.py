from django.apps import AppConfig, apps


class PagecacheConfig(AppConfig):
    """The content version under which pages and kept values are cached, and
    the Redis backend that holds it; apps import it, never the project."""

    name = "pagecache"
    verbose_name = "Cache des pages"

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

        from . import code_changed, content_changed

        # No sender: models of the content apps that other apps add later
        # (trade figures) are covered without being imported here.
        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(content_changed, dispatch_uid=f"pagecache-{signal}")
        # Every deploy migrates: what older code kept, in shapes it may have
        # changed since, is never read by the new code. (Sent for apps with
        # models only: the stories' app, once per migrate.)
        post_migrate.connect(code_changed, sender=apps.get_app_config("articles"))
