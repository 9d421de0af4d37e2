import html
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils.html import strip_tags

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
    assert set(figures) == {
        "kz-cn-2024",
        "kz-cn-2024-variation",
        "kz-cn-2025-s1",
        "kz-cn-frontiere",
        "kz-cn-investisseurs-rang",
    }
    assert figures["kz-cn-2024"].story_words == "43,8 milliards de dollars"
    assert figures["kz-cn-2024"].display() == "43,8\u00a0milliards de dollars"
    assert figures["kz-cn-2024"].source is not None
    # Unverified until a source is attached, and of no stated basis: no
    # source says they come from the Chinese customs.
    for slug in ("kz-cn-2025-s1", "kz-cn-2024-variation"):
        assert figures[slug].source is None
        assert figures[slug].basis == Basis.STATEMENT
        assert figures[slug].get_basis_display() == "déclaration, base non précisée"
        assert not figures[slug].is_sourced_series()


def test_the_storys_border_and_investor_rank_have_records_of_their_exact_scope(
    trade_seeded,
):
    border = Figure.objects.get(slug="kz-cn-frontiere")
    assert (border.value, border.unit, border.display()) == (
        Decimal("1782.75"),
        "KM",
        "1\u202f782,75\u00a0kilomètres",
    )
    assert "1782.75 km" in border.quote
    assert border.source.url.startswith("https://en.wikipedia.org/")
    rank = Figure.objects.get(slug="kz-cn-investisseurs-rang")
    assert (rank.value, rank.display(), rank.period_label()) == (4, "4e", "2005-2017")
    assert "четвертое место" in rank.quote and rank.source.language == "ru"
    # The article's wording stays, now written by the records.
    assert "[[chiffre:kz-cn-frontiere:article]]" in trade_seeded.body
    assert "[[chiffre:kz-cn-investisseurs-rang:article]]" in trade_seeded.body
    text = " ".join(html.unescape(strip_tags(trade_seeded.body_html)).split())
    assert "frontière commune de 1 700 kilomètres" in text
    assert "la quatrième source d’investissement étranger" in text
    assert 'title="Source : Altyn Orda" rel="noopener noreferrer">quatrième</a>' in (
        trade_seeded.body_html
    )


def test_the_2025_full_year_is_loaded_on_the_chinese_customs_basis(trade_seeded):
    figure = Figure.objects.get(slug="cn-kz-2025")
    assert (figure.value, figure.basis, figure.period_label()) == (
        Decimal("48.7"),
        Basis.GACS,
        "2025",
    )
    assert "11 percent to $48.7 billion" in figure.quote
    assert Figure.objects.get(slug="cn-kz-2025-variation").value == 11
    flows = {
        f.indicator.slug: f.value
        for f in Figure.objects.filter(slug__in=["cn-kz-2025-exportations", "cn-kz-2025-importations"])
    }
    assert flows == {"exportations": Decimal("29.7"), "importations": Decimal("19")}


def test_the_target_year_in_the_stories_links_to_the_target(client, trade_seeded):
    target = Target.objects.get(slug="doubler-2030")
    assert target.stated_year == 2025
    assert "d'ici [[objectif:doubler-2030]] est à portée" in trade_seeded.body
    page = client.get(trade_seeded.get_absolute_url()).content.decode()
    assert f'href="{target.get_absolute_url()}"' in page
    assert target.get_absolute_url() == "/chiffres/kazakhstan-chine/#objectif-doubler-2030"


def test_the_seed_acknowledges_its_known_discrepancies_once(trade_seeded):
    from trade.models import Acknowledgement

    keys = set(Acknowledgement.objects.values_list("check_key", flat=True))
    assert keys == {
        "sans-source:kz-cn-2024-variation",
        "variation:kz-cn-2024-variation",
        "sans-source:kz-cn-2025-s1",
        "variation:cn-kz-2023-variation",
        "mots-article:kz-cn-frontiere",
    }
    call_command("load_trade_seed")
    assert Acknowledgement.objects.count() == len(keys)


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
        for f in Figure.objects.filter(
            indicator__slug__startswith="importations", reporter__code="KZ"
        )
    }
    expected = {
        "kz-cn-2021-importations": ("8.2", "8.2 billion USD"),
        "kz-cn-2022-importations": ("11", "to $11 billion"),
        "kz-cn-2022-importations-variation": ("33.5", "by 33.5 percent"),
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
        assert figure.source.url.startswith(
            ("https://en.ckhq.net/", "https://en.trend.az/")
        )
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
