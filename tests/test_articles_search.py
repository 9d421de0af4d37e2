import re
from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from articles.models import Article
from articles.search import excerpt, fold, highlight, search, search_terms

from .factories import make_article
from .pages import soup, titles

pytestmark = pytest.mark.django_db


def found(text):
    return list(search(Article.objects.published(), text).values_list("title", flat=True))


def test_fold_drops_case_accents_and_ligatures():
    assert fold("ÉCHANGES Échanges échanges") == "echanges echanges echanges"
    assert fold("Cœur d’Œdipe, ça") == "coeur d’oedipe, ca"


def test_search_terms_are_folded_distinct_words_of_two_letters_or_more():
    assert search_terms("L’Échange, l'échange d’ÉTÉ !") == ["echange", "ete"]
    assert search_terms("a à ' ; -") == []


@pytest.mark.parametrize("query", ["echanges", "ÉCHANGES", "échanges", "Echanges", "éChAnGeS"])
def test_search_ignores_case_and_accents(query):
    make_article(title="Les échanges commerciaux doublent")
    make_article(title="Rien à voir")
    assert found(query) == ["Les échanges commerciaux doublent"]


def test_search_finds_the_seed_article_for_echanges_commerciaux(client, seeded):
    response = client.get("/articles/", {"q": "echanges commerciaux"})
    assert titles(response)[0] == seeded.title
    marks = [m.get_text() for m in soup(response).select_one(".card__title").select("mark")]
    assert marks == ["échanges", "commerciaux"]


def test_search_matches_title_standfirst_and_body():
    make_article(title="Le fret ferroviaire", standfirst="Rien.", body="Rien.")
    make_article(title="Autre", standfirst="Le fret repart.", body="Rien.")
    make_article(title="Encore", standfirst="Rien.", body="## Le fret\n\nIl repart.")
    make_article(title="Sans rapport")
    assert sorted(found("FRET")) == ["Autre", "Encore", "Le fret ferroviaire"]


def test_every_word_must_match():
    make_article(title="Chine et Kazakhstan")
    make_article(title="Chine seule")
    assert found("chine kazakhstan") == ["Chine et Kazakhstan"]


def test_title_matches_come_first_then_newest():
    body_only = make_article(title="Récent", body="Le blé kazakh.")
    title_old = make_article(
        title="Le blé, ancien", published_at=timezone.now() - timedelta(days=5)
    )
    title_new = make_article(title="Le blé, récent", published_at=timezone.now() - timedelta(days=1))
    assert found("ble") == [title_new.title, title_old.title, body_only.title]


def test_search_never_shows_unpublished_stories():
    make_article(title="Publié : échanges")
    make_article(title="Brouillon : échanges", status="draft")
    make_article(title="Programmé : échanges", published_at=timezone.now() + timedelta(days=1))
    assert found("echanges") == ["Publié\u202f: échanges"]


def test_search_columns_follow_edits_even_with_update_fields():
    story = make_article(title="Ancien titre", body="Ancien texte.")
    story.title, story.body = "Nouvel été", "Texte réécrit."
    story.save(update_fields=["title", "body"])
    story.refresh_from_db()
    assert story.search_title == "nouvel ete"
    assert "texte reecrit." in story.search_text
    assert found("réécrit") == ["Nouvel été"]


def test_like_wildcards_in_the_query_are_plain_characters():
    make_article(title="abc")
    make_article(title="fichier snake_case")
    assert found("b_c") == []
    assert found("snake_case") == ["fichier snake_case"]


def printed(pairs):
    """What the cards print of ``highlight()`` or ``excerpt()``."""
    return render_to_string("articles/includes/highlight.html", {"segments": pairs})


def test_highlight_escapes_and_marks_whole_words():
    text = "<b>Échanges</b> & échange"
    assert printed(highlight(text, ["echanges"])) == (
        "&lt;b&gt;<mark>Échanges</mark>&lt;/b&gt; &amp; <mark>échange</mark>"
    )
    assert printed(highlight("Le <script>", [])) == "Le &lt;script&gt;"


def test_search_results_are_escaped_and_highlighted(client):
    make_article(title="Les <script>échanges</script>", standfirst="Des échanges & plus.")
    response = client.get("/articles/", {"q": "échanges"})
    html = response.content.decode()
    assert "<script>" not in html
    card = soup(response).select_one(".results .card")
    assert [m.get_text() for m in card.select("mark")] == ["échanges", "échanges"]
    assert "&lt;script&gt;" in str(card.select_one(".card__title"))


def test_query_without_a_usable_word_gives_a_message(client):
    response = client.get("/articles/", {"q": "a ’ !"})
    assert response.status_code == 200
    assert "au moins un mot de deux lettres" in soup(response).select_one(".filters__errors").get_text()


def test_too_long_query_gives_a_message(client):
    response = client.get("/articles/", {"q": "échange " * 100})
    assert response.status_code == 200
    assert soup(response).select_one(".filters__field--q .filters__errors")


def test_search_defaults_to_relevance_and_can_be_sorted_by_date(client):
    old = make_article(title="Blé", published_at=timezone.now() - timedelta(days=5))
    new = make_article(title="Récent", body="Du blé.")
    assert titles(client.get("/articles/?q=ble")) == [old.title, new.title]
    assert titles(client.get("/articles/?q=ble&ordering=recent")) == [new.title, old.title]
    selected = soup(client.get("/articles/?q=ble")).select_one("#id_ordering option[selected]")
    assert selected.get_text() == "Pertinence"


def test_a_story_found_by_its_body_shows_the_passage(client):
    make_article(
        title="Le rail",
        standfirst="Un chapô sans le mot.",
        body="Début. " * 40 + "Les wagons de **blé** partent vers la Chine. " + "Fin. " * 40,
    )
    make_article(title="Le blé", standfirst="Titre trouvé.", body="Du blé, encore.")
    cards = soup(client.get("/articles/", {"q": "ble"})).select(".results .card")
    assert not cards[0].select(".card__excerpt")
    passage = cards[1].select_one(".card__excerpt")
    assert passage.select_one("mark").get_text() == "blé"
    text = passage.get_text()
    assert text.startswith("… ") and text.endswith(" …")
    assert "Les wagons de blé partent vers la Chine." in text
    assert len(text) < 240


def test_excerpt_is_escaped_and_empty_without_a_match():
    assert printed(excerpt("a <b> échange", ["echange"])) == (
        "a &lt;b&gt; <mark>échange</mark>"
    )
    assert excerpt("rien ici", ["echange"]) == []


@pytest.mark.parametrize(
    "text, terms, marked",
    [
        # One letter for one: accents, capitals.
        ("Les ÉCHANGES reprennent", ["echanges"], ["ÉCHANGES"]),
        # A ligature folds to two letters, an accent written apart to none, a
        # German sharp s to two: the marks still fall on the original words.
        ("Au cœur du commerce", ["coeur", "commerce"], ["cœur", "commerce"]),
        ("Les e\u0301changes de Straße", ["echanges", "strasse"], ["e\u0301changes", "Straße"]),
        ("Œuvres et échanges", ["echanges"], ["échanges"]),
    ],
)
def test_highlight_marks_the_original_words_whatever_folding_does(text, terms, marked):
    html = printed(highlight(text, terms))
    assert re.findall(r"<mark>(.*?)</mark>", html) == marked
