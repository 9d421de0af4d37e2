import pytest
from bs4 import BeautifulSoup

from articles.models import Status

from .factories import make_article, make_brief, make_topic

pytestmark = pytest.mark.django_db


def index(client):
    page = BeautifulSoup(client.get("/themes/").content, "html.parser")
    return {
        group.select_one("h2").get_text(): [
            li.get_text(" ", strip=True) for li in group.select("li")
        ]
        for group in page.select(".az-group")
    }, page


def test_index_groups_topics_by_initial_the_french_way(client):
    names = ["Zone euro", "Économie", "Europe", "énergie", "Eau", "Chine", "Œufs", "Orge", "5G"]
    topics = {name: make_topic(name=name, slug=f"t{i}") for i, name in enumerate(names)}
    for topic in topics.values():
        make_article(topics=[topic])
    make_brief(topics=[topics["Économie"]])
    groups, page = index(client)
    assert list(groups) == ["0-9", "C", "E", "O", "Z"]
    assert groups["E"] == [
        "Eau 1 article",
        "Économie 2 articles",
        "énergie 1 article",
        "Europe 1 article",
    ]
    assert groups["O"] == ["Œufs 1 article", "Orge 1 article"]
    letters = [a.get_text() for a in page.select(".az-letters a")]
    assert letters == ["0-9", "C", "E", "O", "Z"]
    assert page.select_one(".az-letters a[href='#lettre-e']")
    link = page.select_one("#lettre-e a")
    assert link["href"] == topics["Eau"].get_absolute_url()


def test_index_counts_only_published_stories_and_skips_unused_topics(client):
    used, unused = make_topic(name="Commerce"), make_topic(name="Vide")
    secret = make_topic(name="Annonce à venir")
    make_article(topics=[used])
    make_article(topics=[used, secret], status=Status.DRAFT)
    make_article(topics=[secret], status=Status.REVIEW)
    groups, _ = index(client)
    assert groups == {"C": ["Commerce 1 article"]}


def test_empty_index_says_so(client):
    make_topic(name="Vide")
    page = BeautifulSoup(client.get("/themes/").content, "html.parser")
    assert "Aucun thème n’a encore d’article publié." in page.select_one(".empty").get_text()
