"""Rows stored before save() stripped control characters are cleaned by the
migrations, without moving a date or writing a revision."""

from importlib import import_module
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from articles.models import Article, Topic
from trade.models import Source

from .factories import make_article, make_source, make_topic

pytestmark = pytest.mark.django_db

articles_0010 = import_module("articles.migrations.0010_strip_control_characters")
trade_0004 = import_module("trade.migrations.0004_strip_control_characters")


def test_old_rows_lose_their_control_characters_and_keep_their_dates():
    story = make_article(title="Un titre", standfirst="Chapô")
    clean = make_article(title="Propre")
    topic = make_topic(name="Thème")
    source = make_source()
    # As rows written before the rule, or around save().
    Article.objects.filter(pk=story.pk).update(
        title="Un\x1b titre", standfirst="Ligne\x0bsuivante\r\nfin"
    )
    Topic.objects.filter(pk=topic.pk).update(description="Texte\x07")
    Source.objects.filter(pk=source.pk).update(title="Titre\x01 de source")
    before = {a.pk: (a.updated_at, a.version) for a in Article.objects.all()}
    revisions = Article.history.count()

    editor = SimpleNamespace(connection=connection)
    articles_0010.strip_stored_text(apps, editor)
    trade_0004.strip_stored_text(apps, editor)

    story.refresh_from_db()
    assert story.title == "Un titre"
    assert story.standfirst == "Ligne\nsuivante\nfin"
    assert Topic.objects.get(pk=topic.pk).description == "Texte"
    assert Source.objects.get(pk=source.pk).title == "Titre de source"
    assert Article.objects.get(pk=clean.pk).title == "Propre"
    assert {a.pk: (a.updated_at, a.version) for a in Article.objects.all()} == before
    assert Article.history.count() == revisions
