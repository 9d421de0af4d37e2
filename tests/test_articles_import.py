from datetime import datetime, timezone as dt_timezone

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, Kind, Status, Topic
from articles.wire import WireError, parse_french_datetime, parse_wire

pytestmark = pytest.mark.django_db

SEED_TITLE = "Le Kazakhstan et la Chine s\u2019engagent à doubler leurs échanges commerciaux d\u2019ici 2030"

VALID = """Lagazette

UN TITRE EN CAPITALES SUR LA CHINE

2 Mars 2025 10:05 (UTC+01:00)
UN TITRE EN CAPITALES SUR LA CHINE

Paris / La Gazette

Premier paragraphe sur la Chine.

Deuxième paragraphe.

Loading...
"""


def run_import(path, *args):
    call_command("import_story", str(path), *args)
    return Article.objects.get()


def test_seed_file_imports_exactly(seed_file, capsys):
    article = run_import(seed_file, "--topics", "Chine, Kazakhstan")
    assert article.title == SEED_TITLE
    assert article.published_at == datetime(2025, 8, 23, 7, 40, tzinfo=dt_timezone.utc)
    assert article.dateline == "Paris"
    assert article.credit == "La Gazette"
    assert article.kind == Kind.ARTICLE
    assert article.status == Status.DRAFT
    assert article.standfirst.startswith("Le Kazakhstan et la Chine intensifient leurs efforts")
    paragraphs = article.body.split("\n\n")
    assert len(paragraphs) == 9
    assert paragraphs[-1].endswith("quatrième source d'investissement étranger au Kazakhstan.")
    for chrome in ("Lagazette", "Loading", "Voir Plus", "L'info de A à Z"):
        assert chrome not in article.body
        assert chrome not in article.body_html
    assert "LE KAZAKHSTAN ET LA CHINE" not in article.body
    assert "«\u202fNous sommes prêts" in article.body_html
    assert "la Ceinture et la Route\u202f»" in article.body_html
    assert sorted(t.name for t in article.topics.all()) == ["Chine", "Kazakhstan"]
    err = capsys.readouterr().err
    assert "noms propres" in err


def test_importing_twice_updates_the_same_story(seed_file):
    first = run_import(seed_file)
    call_command("import_story", str(seed_file), "--title", "Un autre titre", "--status", "published")
    assert Article.objects.count() == 1
    again = Article.objects.get()
    assert again.pk == first.pk
    assert again.slug == first.slug
    assert again.title == "Un autre titre"
    assert again.status == Status.PUBLISHED


def test_reimport_keeps_the_status_when_none_is_given(seed_file):
    run_import(seed_file, "--status", "published")
    call_command("import_story", str(seed_file))
    assert Article.objects.get().status == Status.PUBLISHED


def test_title_option_overrides_without_warning(seed_file, capsys):
    article = run_import(seed_file, "--title", "Titre choisi", "--kind", "brief")
    assert article.title == "Titre choisi"
    assert article.kind == Kind.BRIEF
    assert "noms propres" not in capsys.readouterr().err


def test_capital_headline_becomes_sentence_case_with_proper_nouns(tmp_path):
    path = tmp_path / "wire.txt"
    path.write_text(VALID, encoding="utf-8")
    assert run_import(path).title == "Un titre en capitales sur la Chine"


@pytest.mark.parametrize(
    "line",
    [
        "23 Août 2025 08:40 (UTC+01:00)",
        "23 août 2025 08:40 (UTC+01:00)",
        "23 AOUT 2025 08:40 (UTC+01:00)",
        "23 aout 2025 08h40 (UTC+0100)",
        "23 août 2025 09:40 (UTC+02:00)",
        "23 août 2025 07:40 (GMT+00:00)",
    ],
)
def test_french_date_line_variants_give_the_same_instant(line):
    instant = parse_french_datetime(line)
    assert instant == datetime(2025, 8, 23, 7, 40, tzinfo=dt_timezone.utc)


@pytest.mark.parametrize(
    "month, number",
    [("janvier", 1), ("Février", 2), ("fevrier", 2), ("MARS", 3), ("avril", 4), ("mai", 5),
     ("juin", 6), ("Juillet", 7), ("août", 8), ("septembre", 9), ("octobre", 10),
     ("novembre", 11), ("Décembre", 12), ("decembre", 12), ("sept.", 9)],
)
def test_every_french_month_is_understood(month, number):
    assert parse_french_datetime(f"3 {month} 2024 12:00 (UTC+00:00)").month == number


MALFORMED = [
    ("no date line", VALID.replace("2 Mars 2025 10:05 (UTC+01:00)\n", ""), "pas de ligne de date", 7),
    ("unknown month", VALID.replace("Mars", "Maars"), "mois inconnu", 5),
    ("impossible day", VALID.replace("2 Mars", "31 Février"), "date", 5),
    ("impossible hour", VALID.replace("10:05", "25:05"), "date impossible", 5),
    ("no offset", VALID.replace(" (UTC+01:00)", ""), "date illisible", 5),
    ("empty body", VALID.split("Premier")[0], "texte vide", 5),
    ("only chrome", "Lagazette\n\nLoading...\n", "fichier vide", None),
]


@pytest.mark.parametrize(
    "content, message, line",
    [pytest.param(c, m, n, id=name) for name, c, m, n in MALFORMED],
)
def test_malformed_wire_gives_a_clear_error_and_writes_nothing(tmp_path, content, message, line):
    path = tmp_path / "bad.txt"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError) as excinfo:
        call_command("import_story", str(path), "--topics", "Nouveau thème")
    text = str(excinfo.value)
    assert message in text
    assert "\n" not in text
    if line:
        assert f"ligne {line}" in text
    assert Article.objects.count() == 0
    assert Topic.objects.count() == 0


def test_non_utf8_file_is_refused_with_its_line(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes(VALID.replace("Deuxième", "Deuxi\u00e8me").encode("latin-1"))
    with pytest.raises(CommandError, match=r"ligne 12 : le fichier n’est pas en UTF-8"):
        call_command("import_story", str(path))
    assert Article.objects.count() == 0


def test_missing_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="fichier introuvable"):
        call_command("import_story", str(tmp_path / "absent.txt"))
    assert Article.objects.count() == 0


def test_markdown_characters_in_wire_text_stay_literal():
    wire = parse_wire(VALID.replace("Deuxième paragraphe.", "1. Un *astérisque* et <b>gras</b> # fin"))
    from articles.rendering import render_markdown

    html = render_markdown(wire.body_markdown)
    assert "<ol>" not in html and "<em>" not in html and "<b>" not in html
    assert "1. Un *astérisque* et &lt;b&gt;gras&lt;/b&gt; # fin" in html


def test_wire_error_names_the_line():
    with pytest.raises(WireError) as excinfo:
        parse_wire("TITRE\n\nCeci n'est pas une date\n")
    assert excinfo.value.line == 3
