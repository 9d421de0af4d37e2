import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from trade.models import Basis, Country, Figure, Nature, Source, Target
from trade.services import SEED_FILE

pytestmark = pytest.mark.django_db


def test_trade_seed_is_idempotent(trade_seeded):
    counts = (Figure.objects.count(), Source.objects.count(), Target.objects.count())
    call_command("load_trade_seed")
    assert (
        Figure.objects.count(),
        Source.objects.count(),
        Target.objects.count(),
    ) == counts
    assert counts[0] == len(
        json.loads(SEED_FILE.read_text(encoding="utf-8"))["figures"]
    )


def test_countries_are_attached_to_the_article_and_briefs(trade_seeded):
    kz, cn = Country.objects.get(code="KZ"), Country.objects.get(code="CN")
    assert (kz.name, kz.slug, cn.name, cn.slug) == (
        "Kazakhstan",
        "kazakhstan",
        "Chine",
        "chine",
    )
    for country in (kz, cn):
        assert trade_seeded in country.stories.all()
        assert country.stories.filter(kind="brief").count() == 5


def test_the_articles_own_figures_are_attached_with_their_words(trade_seeded):
    figures = {f.slug: f for f in trade_seeded.figures.all()}
    assert set(figures) == {"kz-cn-2024", "kz-cn-2024-variation", "kz-cn-2025-s1"}
    assert figures["kz-cn-2024"].story_words == "43,8 milliards de dollars"
    assert figures["kz-cn-2024"].display() == "43,8 milliards de dollars"
    assert figures["kz-cn-2024"].source is not None
    # Unverified until a source is attached.
    assert figures["kz-cn-2025-s1"].source is None
    assert figures["kz-cn-2024-variation"].source is None


def test_every_sourced_figure_quotes_its_source_and_states_its_basis(trade_seeded):
    for figure in Figure.objects.exclude(source=None):
        assert figure.quote, figure.slug
        assert figure.basis in Basis.values
        assert figure.nature == Nature.REPORTED


def test_target_records_its_value_and_leaves_the_unstated_base_empty(trade_seeded):
    target = Target.objects.get(slug="doubler-2030")
    assert (target.target_value, target.multiplier, target.target_year) == (80, 2, 2030)
    assert target.baseline is None
    assert "80 billion by 2030" in target.statement


def test_trade_seed_without_the_stories_stops_with_a_clear_message(db):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="load_seed"):
        call_command("load_trade_seed")
    assert not Figure.objects.exists()


def test_kazakh_imports_from_china_are_loaded_with_their_quote(trade_seeded):
    imports = {
        f.slug: f
        for f in Figure.objects.filter(indicator__slug__startswith="importations")
    }
    expected = {
        "kz-cn-2021-importations": ("8.2", "8.2 billion USD"),
        "kz-cn-2024-importations": ("15.3", "15.3 billion USD"),
        "kz-cn-2025-s1-importations": ("8.3", "8.3 billion USD"),
        "kz-cn-2025-s1-importations-variation": ("23", "23%"),
    }
    assert set(imports) == set(expected)
    for slug, (value, words) in expected.items():
        figure = imports[slug]
        assert figure.value == Decimal(value) and words in figure.quote
        assert (figure.reporter.code, figure.partner.code) == ("KZ", "CN")
        assert figure.basis == Basis.KZ_NATIONAL
        assert figure.source.url.startswith("https://en.ckhq.net/")
    assert imports["kz-cn-2025-s1-importations"].period_label() == (
        "premier semestre 2025"
    )


def test_every_source_is_loaded_with_the_language_of_its_quotes(trade_seeded):
    languages = dict(Source.objects.values_list("url", "language"))
    assert set(languages.values()) == {"en", "it", "kk", "ru", "zh"}
    kazakh = Figure.objects.filter(source__language="kk").get()
    assert "миллиард" in kazakh.quote  # Kazakh in Cyrillic
    chinese = Figure.objects.filter(source__language="zh").first()
    assert "亿美元" in chinese.quote
