"""Statistics a story writes in its own words are found, and nothing else is;
the numbers a quote or a story's words name are read in the sources' forms."""

from decimal import Decimal

import pytest

from articles.models import Article
from trade.statistics import numbers_named, states, statistics_in

NBSP, NNBSP = "\u00a0", "\u202f"


def words(markdown):
    return [s.words for s in statistics_in(markdown)]


@pytest.mark.parametrize(
    "markdown,expected",
    [
        (
            "Les échanges ont atteint 43,8 milliards de dollars en 2024.",
            ["43,8 milliards de dollars"],
        ),
        ("soit une augmentation de 9,2 % sur un an", ["9,2 %"]),
        (f"soit une augmentation de 9,2{NNBSP}%", ["9,2 %"]),
        ("soit une augmentation de 9,2 pour cent", ["9,2 pour cent"]),
        (f"une frontière commune de 1{NNBSP}700{NBSP}kilomètres", ["1 700 kilomètres"]),
        ("une frontière de 1 782,75 km", ["1 782,75 km"]),
        ("plus de 20 millions d’habitants", ["20 millions"]),
        ("deux milliards de dollars d’investissements", ["deux milliards de dollars"]),
        ("un milliard d’euros", ["un milliard d’euros"]),
        ("vingt-cinq tonnes de blé", ["vingt-cinq tonnes"]),
        ("15 000 tonnes de céréales", ["15 000 tonnes"]),
        ("un contrat de 5 Mds $", ["5 Mds $"]),
        ("un prêt de $15 au total", ["$15"]),
        ("une baisse de \u22128,4 % en 2016", ["\u22128,4 %"]),
        ("une hausse de 10-15 % attendue", ["10-15 %"]),
        ("entre 10 et 15 %", ["15 %"]),
        ("**43,8** milliards de dollars", ["43,8 milliards de dollars"]),
        ("a atteint 43,8\nmilliards de dollars", ["43,8 milliards de dollars"]),
        ("[43,8 milliards](https://exemple.fr/rapport)", ["43,8 milliards"]),
        ("Un texte[^1].\n\n[^1]: Soit 12 % de plus.", ["12 %"]),
        ("- point\n\n    suite du point : 12 %", ["12 %"]),
        # Ranks: an ordinal, then what it ranks.
        (
            "La Chine est également la quatrième source d'investissement étranger.",
            ["quatrième source"],
        ),
        ("son deuxième partenaire commercial", ["deuxième partenaire"]),
        ("le troisième plus gros fournisseur", ["troisième plus gros fournisseur"]),
        ("au 4e rang des investisseurs", ["4e rang"]),
        ("à la première place", ["première place"]),
        ("le 1er exportateur mondial", ["1er exportateur"]),
        ("la Chine, premier investisseur", ["premier investisseur"]),
    ],
)
def test_statistics_written_in_words_are_found(markdown, expected):
    assert words(markdown) == expected


@pytest.mark.parametrize(
    "markdown",
    [
        "Depuis 2015, ses chemins de fer ont été intégrés au réseau chinois.",
        "Depuis son indépendance en 1991, le pays a changé.",
        "Au premier semestre 2025, ce chiffre s'est élevé.",
        "Au premier trimestre, le commerce a ralenti.",
        "Le Premier ministre a rencontré le ministre.",
        "Le 23 août 2025 à 8 h 40, à Pékin.",
        "Les 27 pays de l’Union et le G20.",
        "Après la COVID-19, l'A320 et le XXIe siècle.",
        "Une seconde source a confirmé l’information.",
        "Une deuxième source a parlé.",
        "Une tonne de problèmes.",
        "Le pays est devenu son plus grand partenaire commercial.",
        "Pour la première fois, les ministres se sont vus.",
        "Des milliards de dollars et plusieurs millions de tonnes.",
        "La deuxième édition de l’article 5.",
        "Lors de la 2e rencontre, le 1er janvier.",
        "Il a cité les chiffres mercredi.",
    ],
)
def test_words_that_are_not_statistics_are_left_alone(markdown):
    assert words(markdown) == []


@pytest.mark.parametrize(
    "markdown",
    [
        # What the site writes from a record, or what an editor marked.
        "atteint [[chiffre:kz-cn-2024]], soit "
        "[[chiffre:kz-cn-2024-variation:pour-cent]]",
        "une frontière de [[chiffre:kz-cn-frontiere:article]]",
        "d’ici [[objectif:doubler-2030]]",
        "leurs [[texte:3 %]] de marge et [[texte:quatrième source]] d’idées",
        # Code, addresses, marks and markup.
        "le code `12 %` et ``43,8 milliards``",
        "```\n43,8 milliards de dollars\n```",
        "~~~text\n12 %\n~~~",
        "Un paragraphe.\n\n    12 % en code indenté",
        '[le rapport](https://stat.gov.kz/rapport-12-km.pdf "12 %")',
        "![carte](/media/1700-km.png)",
        "<https://exemple.fr/12%>",
        "un texte[^12] et [une référence][3]\n\n[3]: https://exemple.fr/5-km",
        "1. Premier point\n2. Second point",
        "<!-- 12 % à vérifier -->",
        '<span data-n="12 %">rien</span>',
        "voir https://exemple.fr/43-milliards-de-dollars",
    ],
)
def test_tokens_code_and_addresses_are_skipped(markdown):
    assert words(markdown) == []


def test_each_statistic_is_listed_once_where_first_written():
    found = statistics_in("Un 12 % puis 43 km et encore 12 %.")
    assert [(s.words, s.start) for s in found] == [("12 %", 3), ("43 km", 13)]


def test_seed_stories_write_every_statistic_through_a_record(trade_seeded):
    stories = Article.objects.all()
    assert stories.count() >= 6
    for story in stories:
        assert words(story.body) == [], story.slug
    body = trade_seeded.body
    # The words they were before the seed linked them would be found.
    for token, written in [
        ("[[chiffre:kz-cn-frontiere:article]]", "1 700 kilomètres"),
        ("[[chiffre:kz-cn-investisseurs-rang:article]]", "quatrième"),
        ("[[chiffre:kz-cn-2024]]", "43,8 milliards de dollars"),
    ]:
        assert token in body
        assert words(body.replace(token, written)) != []


# --- Numbers in quotes and story words ----------------------------------------


def read(text, language="en"):
    return [
        (n.values(), n.multiplier, n.ordinal) for n in numbers_named(text, language)
    ]


def test_digits_are_read_in_every_convention():
    d = Decimal
    assert read("1,782") == [([d("1.782"), d("1782")], None, False)]
    assert read("1 782,75") == [([d("1782.75")], None, False)]
    assert read(f"1{NNBSP}782,75") == [([d("1782.75")], None, False)]
    assert read("1.782,75") == [([d("1782.75")], None, False)]
    assert read("1,782.75") == [([d("1782.75")], None, False)]
    assert read("43.82") == [([d("43.82")], None, False)]
    assert read("In 2016 the trade decreased by 8.4%") == [
        ([d("2016")], None, False),
        ([d("8.4")], None, False),
    ]


@pytest.mark.parametrize(
    "text,language,multiplier",
    [
        ("$18bn", "en", 9),
        ("USD 14.5 bln", "en", 9),
        ("$43.8 billion", "en", 9),
        ("410.2亿美元", "zh", 8),
        ("41 миллиард АҚШ долларына", "kk", 9),
        ("30,1 миллиарда долларов", "ru", 9),
        ("12 miliardi di dollari", "it", 9),
        ("2 billions d’euros", "fr", 12),
        ("43,8 milliards de dollars", "fr", 9),
        ("500 millions", "fr", 6),
    ],
)
def test_multiplier_words_follow_the_language(text, language, multiplier):
    [number] = [n for n in numbers_named(text, language) if not n.ordinal]
    assert number.multiplier == Decimal(10) ** multiplier


@pytest.mark.parametrize(
    "text,language",
    [
        ("China ranks fourth", "en"),
        ("China ranks 4th", "en"),
        ("Китай занимает четвертое место", "ru"),
        ("Қытай төртінші орында", "kk"),
        ("中国位居第四", "zh"),
        ("la quatrième source", "fr"),
        ("la 4e source", "fr"),
    ],
)
def test_ranks_are_read_in_the_sources_languages(text, language):
    ranks = [n for n in numbers_named(text, language) if n.ordinal]
    assert [n.values() for n in ranks] == [[Decimal(4)]]


def named(text, value, scale=0, language="en", rounded=False):
    value = Decimal(value)
    return any(
        states(n, value, scale, rounded=rounded) for n in numbers_named(text, language)
    )


def test_a_quote_states_the_value_exactly_in_its_own_form():
    assert named("reached 410.2亿美元", "41.02", 9, "zh")
    assert named("$43.8 billion", "43.8", 9)
    assert named("turnover of 43.8", "43.8", 9)
    assert named("exports ($19 billion)", "19.0000", 9)
    assert named("the border is 1782.75 km long", "1782.75")
    assert named("1 782,75 km", "1782.75")
    assert named("decreased by 8.4%", "-8.4")
    assert not named("$43.8 million", "43.8", 9)
    assert not named("$43.82 billion", "43.8", 9)
    assert not named("$44 billion", "43.82", 9)


def test_story_words_state_the_value_when_they_round_it():
    assert named("43,8 milliards de dollars", "43.82", 9, "fr", rounded=True)
    assert named("44 milliards", "43.82", 9, "fr", rounded=True)
    assert named("1 800 kilomètres", "1782.75", 0, "fr", rounded=True)
    assert named("1 783 kilomètres", "1782.75", 0, "fr", rounded=True)
    assert named("9,2 pour cent", "9.2", 0, "fr", rounded=True)
    assert not named("1 700 kilomètres", "1782.75", 0, "fr", rounded=True)
    assert not named("43,9 milliards", "43.82", 9, "fr", rounded=True)
    assert not named("43,8 millions", "43.82", 9, "fr", rounded=True)
