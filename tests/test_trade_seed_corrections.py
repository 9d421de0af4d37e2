"""Migration trade 0005 corrects what the earlier seed wrote in databases
that hold it, and only where the rows still hold exactly the earlier values:
what an editor changed stays as the editor left it."""

from importlib import import_module
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from articles.models import Article
from trade.models import Basis, Figure, Source, Target

pytestmark = pytest.mark.django_db

migration = import_module("trade.migrations.0005_figures_as_sourced")
EDITOR = SimpleNamespace(connection=connection)
XUAR = "https://qazinform.com/news/kazakhstan-xuar-trade-hit-record-22bln-in-2024-987982"


def as_the_earlier_seed_left_it():
    """Put back, in a database loaded from today's seed, what the earlier seed
    wrote: bases, quotes, a title, the target without its year of statement,
    and story bodies without the tokens of the newer records."""
    for slug, (value, basis) in migration.BASES.items():
        Figure.objects.filter(slug=slug).update(basis=basis)
    for slug, (before, _) in migration.QUOTES.items():
        Figure.objects.filter(slug=slug).update(quote=before)
    Source.objects.filter(url=XUAR).update(title=migration.TITLES[XUAR][0])
    Target.objects.filter(slug="doubler-2030").update(stated_year=None)
    for story in Article.objects.all():
        body = story.body.replace("[[objectif:doubler-2030]]", "2030")
        body = body.replace("[[chiffre:kz-cn-frontiere:article]]", "1 700 kilomètres")
        body = body.replace("[[chiffre:kz-cn-investisseurs-rang:article]]", "quatrième")
        Article.objects.filter(pk=story.pk).update(body=body)


def test_rows_holding_the_earlier_seed_values_are_corrected(trade_seeded):
    as_the_earlier_seed_left_it()
    migration.correct(apps, EDITOR)
    for slug in migration.BASES:
        assert Figure.objects.get(slug=slug).basis == Basis.STATEMENT
    for slug, (_, after) in migration.QUOTES.items():
        assert Figure.objects.get(slug=slug).quote == after
    assert Source.objects.get(url=XUAR).title.endswith("record 22 bln in 2024")
    assert Target.objects.get(slug="doubler-2030").stated_year == 2025
    linked = Article.objects.filter(body__contains="[[objectif:doubler-2030]]")
    assert linked.count() == 2


def test_what_an_editor_changed_is_left_as_the_editor_left_it(trade_seeded):
    as_the_earlier_seed_left_it()
    Figure.objects.filter(slug="kz-cn-2025-s1").update(basis=Basis.KZ_NATIONAL)
    Figure.objects.filter(slug="kz-cn-2024-variation").update(value="9.3")
    Figure.objects.filter(slug="cn-kz-2024-orda").update(quote="Citation revue.")
    Source.objects.filter(url=XUAR).update(title="Titre corrigé")
    story = Article.objects.get(pk=trade_seeded.pk)
    edited = story.body.replace("Selon M. Wang", "D’après M. Wang")
    Article.objects.filter(pk=story.pk).update(body=edited)

    migration.correct(apps, EDITOR)

    figures = {f.slug: f for f in Figure.objects.all()}
    assert figures["kz-cn-2025-s1"].basis == Basis.KZ_NATIONAL
    assert figures["kz-cn-2024-variation"].basis == Basis.GACS
    assert figures["cn-kz-2024-orda"].quote == "Citation revue."
    assert Source.objects.get(url=XUAR).title == "Titre corrigé"
    assert Article.objects.get(pk=story.pk).body == edited


def test_the_corrections_undo_on_a_migration_backwards(trade_seeded):
    as_the_earlier_seed_left_it()
    earlier = {
        "bodies": dict(Article.objects.values_list("pk", "body")),
        "figures": list(Figure.objects.values_list("slug", "basis", "quote")),
    }
    migration.correct(apps, EDITOR)
    migration.uncorrect(apps, EDITOR)
    assert dict(Article.objects.values_list("pk", "body")) == earlier["bodies"]
    assert list(Figure.objects.values_list("slug", "basis", "quote")) == (
        earlier["figures"]
    )


def test_render_stories_refreshes_stale_html_without_moving_a_date(trade_seeded):
    story = Article.objects.get(pk=trade_seeded.pk)
    stale = story.body_html.replace("&nbsp;milliards", " milliards")
    assert stale != story.body_html
    Article.objects.filter(pk=story.pk).update(body_html=stale)
    before = Article.objects.values_list("pk", "version", "updated_at")
    before, revisions = set(before), Article.history.count()

    call_command("render_stories", verbosity=0)

    assert Article.objects.get(pk=story.pk).body_html == story.body_html
    assert set(Article.objects.values_list("pk", "version", "updated_at")) == before
    assert Article.history.count() == revisions
