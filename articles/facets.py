"""Facet entries (``FacetEntry``) kept in step with the stories and their
links to topics and countries.

An entry is derived from a story marked published and one of its links: any
save of a story, any change to its links and the deletion of a topic or a
country rebuild the entries concerned, in the same transaction as the change
(signals, connected by ``connect()``). Nothing else writes them, but
``rebuild()``, which writes them all anew: after writes that send no signal
(``bulk_create``, ``QuerySet.update()``), as ``seed_demo`` does, and in
``manage.py rebuild_listings_index``.
"""
from django.db import connections, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from .models import Article, FacetEntry

BATCH = 5000


def relations():
    """Article's relations that listings filter by (``FacetFilter``)."""
    from .filters import facet_relations

    return facet_relations()


def entries(article_ids=None, using="default"):
    """The entries the stories ``article_ids`` (all stories if None) should
    have, built from their links: one query per facet."""
    from .filters import link_table

    for facet in relations():
        through, story, other = link_table(facet)
        stories = Article.objects.using(using).marked_published()
        if article_ids is not None:
            stories = stories.filter(pk__in=article_ids)
        links = through.objects.using(using).filter(**{f"{story}__in": stories})
        rows = links.values_list(story, other, f"{story}__published_at")
        for article_id, value, published_at in rows.iterator(chunk_size=BATCH):
            yield FacetEntry(
                facet=facet, value=value, article_id=article_id, published_at=published_at
            )


def refresh(article_ids, using="default"):
    """Rebuild the entries of the stories ``article_ids``."""
    article_ids = list(article_ids)
    if not article_ids:
        return
    FacetEntry.objects.using(using).filter(article_id__in=article_ids).delete()
    FacetEntry.objects.using(using).bulk_create(entries(article_ids, using))


def rebuild(using="default"):
    """Write every entry anew (after bulk inserts or ``update()``, which send
    no signal), in one transaction: readers see the old index or the new one,
    never an empty one. Returns the number of entries written."""
    connection = connections[using]
    table = connection.ops.quote_name(FacetEntry._meta.db_table)
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            # One statement, rather than Django's row by row deletion with signals.
            cursor.execute(f"DELETE FROM {table}")
        written = FacetEntry.objects.using(using).bulk_create(
            entries(using=using), batch_size=BATCH
        )
    return len(written)


def story_saved(sender, instance, using, update_fields=None, **kwargs):
    if update_fields is not None and not {"status", "published_at"} & set(update_fields):
        return
    refresh([instance.pk], using)


def links_changed(sender, instance, action, pk_set, using, facet, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if isinstance(instance, Article):
        refresh([instance.pk], using)
    elif action == "post_clear":
        FacetEntry.objects.using(using).filter(facet=facet, value=instance.pk).delete()
    else:
        refresh(pk_set, using)


def value_deleted(sender, instance, using, facet, **kwargs):
    # Its links go with it, by cascade, which sends no m2m_changed.
    FacetEntry.objects.using(using).filter(facet=facet, value=instance.pk).delete()


def connect():
    from .filters import link_table

    post_save.connect(story_saved, sender=Article, dispatch_uid="facets-story")
    for facet in relations():
        through, _, _ = link_table(facet)
        other = Article._meta.get_field(facet).related_model

        def changed(*args, facet=facet, **kwargs):
            links_changed(*args, facet=facet, **kwargs)

        def deleted(*args, facet=facet, **kwargs):
            value_deleted(*args, facet=facet, **kwargs)

        m2m_changed.connect(
            changed, sender=through, weak=False, dispatch_uid=f"facets-links-{facet}"
        )
        post_delete.connect(
            deleted, sender=other, weak=False, dispatch_uid=f"facets-value-{facet}"
        )
