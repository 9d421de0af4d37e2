from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article, Status

from .factories import make_article, make_brief, make_topic

pytestmark = pytest.mark.django_db

NOW = timezone.now


@pytest.mark.parametrize(
    "status, offset, visible",
    [
        (Status.PUBLISHED, timedelta(hours=-1), True),
        (Status.PUBLISHED, timedelta(hours=1), False),
        (Status.DRAFT, timedelta(hours=-1), False),
        (Status.DRAFT, timedelta(hours=1), False),
        (Status.REVIEW, timedelta(hours=-1), False),
        (Status.REVIEW, timedelta(hours=1), False),
    ],
)
def test_published_hides_drafts_reviews_and_future_stories(status, offset, visible):
    article = make_article(status=status, published_at=timezone.now() + offset)
    assert (article in Article.objects.published()) is visible
    assert article.is_published() is visible


def test_published_without_date_is_hidden():
    article = make_article(status=Status.PUBLISHED, published_at=None)
    assert not Article.objects.published().filter(pk=article.pk).exists()
    assert article.is_published() is False


def test_published_chains_on_relations():
    topic = make_topic()
    make_article(topics=[topic])
    make_article(topics=[topic], status=Status.DRAFT)
    assert topic.articles.published().count() == 1


def test_related_stories_link_both_ways():
    article = make_article()
    brief = make_brief(related=[article])
    assert list(article.related.all()) == [brief]
    assert list(brief.related.all()) == [article]


def test_body_is_rendered_on_save():
    article = make_article(body="## Intertitre\n\nTexte en *italique*.")
    assert "<h2>Intertitre</h2>" in article.body_html
    assert "<em>italique</em>" in article.body_html
    article.body = "Nouveau texte."
    article.save(update_fields=["body"])
    article.refresh_from_db()
    assert article.body_html == "<p>Nouveau texte.</p>"


def test_title_gets_typographic_apostrophes():
    article = make_article(title="Le pays s'engage d'ici 2030")
    assert article.title == "Le pays s\u2019engage d\u2019ici 2030"


def test_slug_is_made_from_the_title_when_empty():
    article = make_article(title="Échanges : l'objectif de 2030", slug="")
    assert article.slug == "echanges-lobjectif-de-2030"


def test_absolute_url_uses_the_slug():
    assert make_article(slug="un-article").get_absolute_url() == "/articles/un-article/"
    assert make_topic(slug="chine").get_absolute_url() == "/themes/chine/"


def test_a_title_too_long_once_spaced_is_refused_by_clean():
    """French spacing lengthens a title: clean() counts it as it will be stored."""
    from django.core.exceptions import ValidationError

    title = "«" + "a" * 253 + "»"  # 255 typed, 257 once spaced inside the « »
    with pytest.raises(ValidationError, match="257 caractères"):
        Article(title=title, slug="x").clean()
